import { fetchRequestInfo, type HttpHeaders, type HttpRequestInfo } from '@breakwater/core/adapter';
import type { AxiosRequestConfig } from 'axios';

/** axios' own test for an absolute URL: a scheme and `//`, or a protocol-relative `//`. */
const absoluteUrl = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The request as the HTTP glue sees it: the URL axios will call (`baseURL` joined with `url`
 * the way axios joins them, without `params`), the method and the headers. `undefined` when the
 * URL cannot be parsed: axios then fails the request as it always does.
 */
export function axiosRequestInfo(config: AxiosRequestConfig): HttpRequestInfo | undefined {
  const { baseURL, url = '' } = config;
  const joined =
    baseURL && (!absoluteUrl.test(url) || config.allowAbsoluteUrls === false)
      ? joinUrl(baseURL, url)
      : url;
  // The core's reading of a fetch URL: relative to the page's origin in a browser, as axios'
  // XHR and fetch adapters are, and parsed only once per origin.
  return fetchRequestInfo(joined, {
    method: config.method ?? 'get',
    headers: config.headers as HttpHeaders,
  });
}

/** axios' `combineURLs`: one `/` between the base and the path, whatever either has. */
function joinUrl(baseURL: string, url: string): string {
  if (url === '') return baseURL;
  return `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
