// What the axios README's interceptor-order fragment assumes: a request interceptor of yours.
declare function addSignature(
  config: import('axios').InternalAxiosRequestConfig,
): import('axios').InternalAxiosRequestConfig;
