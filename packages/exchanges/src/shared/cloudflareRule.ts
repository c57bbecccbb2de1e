import { type Category, type ClassifierRule, failure, onStatus } from '@breakwater/core';
import { readText } from './readBody.ts';

/**
 * What Cloudflare's 5xx pages say happened: the origin timed out (522 connection timed out, 524
 * a timeout occurred) or failed otherwise (520 unknown error, 521 web server is down, 523 origin
 * unreachable, 525–527 TLS and Railgun errors, 530 origin DNS).
 * @see {@link https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/}
 */
const categories: Readonly<Record<string, Category>> = {
  '520': 'server',
  '521': 'server',
  '522': 'timeout',
  '523': 'server',
  '524': 'timeout',
  '525': 'server',
  '526': 'server',
  '527': 'server',
  '530': 'server',
};

const errorCode = /\b(52\d|530)\b(?:\s*:|\s*<)|error code:?\s*(52\d|530)\b/i;

/**
 * A 5xx page from Cloudflare in front of an exchange API (Kraken, Coinbase) takes the category
 * its body names, not the status's: a 524 page says the origin timed out, so it is a `timeout`
 * (and uncertain on an order). Pages without Cloudflare's mark are left to the other rules. Not
 * part of the public API.
 */
export const cloudflareRule: ClassifierRule = onStatus({ min: 500, max: 599 }, (response) => {
  const text = readText(response.body);
  if (text === '' || !/cloudflare/i.test(text)) return undefined;
  const match = errorCode.exec(text);
  const category = categories[match?.[1] ?? match?.[2] ?? String(response.status)];
  return category === undefined ? undefined : failure(category);
});
