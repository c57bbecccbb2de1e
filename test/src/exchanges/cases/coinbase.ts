import { caseOf, type ExchangeCase, html, json } from './types.ts';

const createOrder =
  'https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/orders/create-order';
const ccxt = 'https://github.com/ccxt/ccxt/blob/master/ts/src/coinbase.ts';
const order = { method: 'POST', path: '/api/v3/brokerage/orders' } as const;

const cancelOrders =
  'https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/orders/cancel-order';
const errorsPage = 'https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/guides/errors';
const rateLimits = 'https://docs.cdp.coinbase.com/coinbase-app/api-architecture/rate-limiting';
const v2Errors = 'https://docs.cdp.coinbase.com/coinbase-app/api-architecture/error-messages';
const preview =
  'https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/orders/preview-order';
const cloudflare =
  'https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/';
const c = (input: Parameters<typeof caseOf>[1]) => caseOf('coinbase', input);

/** Cases added for the accuracy review: 429s that are not about rate, batches, clocks. */
const reviewCases: readonly ExchangeCase[] = [
  c({
    name: '429 that says insufficient funds is not a rate limit: ignored',
    source: ccxt,
    documented: false,
    group: 'order',
    request: 'POST /api/v3/brokerage/orders',
    status: 429,
    body: { error: 'INSUFFICIENT_FUND', message: 'Insufficient balance in source account' },
    expected: { verdict: 'ignore', category: 'client' },
  }),
  c({
    name: '429 RESOURCE_EXHAUSTED with Retry-After is a rate limit with its wait',
    source: rateLimits,
    group: 'private',
    request: 'GET /api/v3/brokerage/orders/historical/batch',
    status: 429,
    headers: { ...json, 'retry-after': '1' },
    body: { error: 'RESOURCE_EXHAUSTED', message: 'Too many requests' },
    expected: { verdict: 'failure', category: 'rate_limit', retryAfterMs: 1_000 },
  }),
  c({
    name: '400 RESOURCE_EXHAUSTED names a rate limit: the body wins',
    source: errorsPage,
    documented: false,
    group: 'private',
    request: 'GET /api/v3/brokerage/accounts',
    status: 400,
    body: { error: 'RESOURCE_EXHAUSTED', message: 'Rate limit exceeded' },
    expected: { verdict: 'failure', category: 'rate_limit' },
  }),
  c({
    name: 'batch cancel with one failed cancel: ignored, never a success',
    source: cancelOrders,
    group: 'order',
    request: 'POST /api/v3/brokerage/orders/batch_cancel',
    body: {
      results: [
        { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: '0000-00' },
        { success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: '1111-11' },
      ],
    },
    expected: { verdict: 'ignore', category: 'client', failedItems: ['UNKNOWN_CANCEL_ORDER'] },
  }),
  c({
    name: 'batch cancel where every cancel succeeded',
    source: cancelOrders,
    group: 'order',
    request: 'POST /api/v3/brokerage/orders/batch_cancel',
    body: {
      results: [
        { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: '0000-00' },
      ],
    },
    expected: { verdict: 'success', category: 'none' },
  }),
  c({
    name: 'v2 401 "request timestamp expired" is the caller’s clock: client',
    source: v2Errors,
    documented: false,
    group: 'private',
    request: 'GET /v2/accounts',
    status: 401,
    body: { errors: [{ id: 'authentication_error', message: 'request timestamp expired' }] },
    expected: { verdict: 'ignore', category: 'client' },
  }),
  c({
    name: '403 PERMISSION_DENIED is an auth error',
    source: errorsPage,
    group: 'order',
    request: 'POST /api/v3/brokerage/orders',
    status: 403,
    body: { error: 'PERMISSION_DENIED', message: 'Missing required scopes' },
    expected: { verdict: 'ignore', category: 'auth' },
  }),
  c({
    name: '404 NOT_FOUND on an order read',
    source: errorsPage,
    group: 'private',
    request: 'GET /api/v3/brokerage/orders/historical/0000-000000-000000',
    status: 404,
    body: { error: 'NOT_FOUND', message: 'order with this orderID was not found' },
    expected: { verdict: 'ignore', category: 'client' },
  }),
  c({
    name: 'Cloudflare 522 page on an order: a timeout, the order may exist',
    source: cloudflare,
    group: 'order',
    request: 'POST /api/v3/brokerage/orders',
    status: 522,
    headers: html,
    body:
      '<!DOCTYPE html><html><head><title>api.coinbase.com | 522: Connection timed out</title>' +
      '</head><body>Error code 522 Cloudflare Ray ID: 7a6b5c4d3e2f1a0b</body></html>',
    expected: { verdict: 'failure', category: 'timeout', uncertainEffect: true },
  }),
  c({
    name: '500 on an order preview: a preview places nothing',
    source: preview,
    documented: false,
    group: 'order',
    request: 'POST /api/v3/brokerage/orders/preview',
    status: 500,
    body: { error: 'INTERNAL', message: 'internal error' },
    expected: { verdict: 'failure', category: 'server', uncertainEffect: false },
  }),
  c({
    name: 'v2 500 internal_server_error on an account read',
    source: v2Errors,
    group: 'private',
    request: 'GET /v2/accounts',
    status: 500,
    body: { errors: [{ id: 'internal_server_error', message: 'Internal server error' }] },
    expected: { verdict: 'failure', category: 'server' },
  }),
  c({
    name: '429 with an empty body is a rate limit',
    source: rateLimits,
    documented: false,
    group: 'public',
    request: 'GET /api/v3/brokerage/market/products',
    status: 429,
    headers: { 'content-type': 'text/plain' },
    body: '',
    expected: { verdict: 'failure', category: 'rate_limit' },
  }),
];

export const coinbaseCases: readonly ExchangeCase[] = [
  ...reviewCases,
  {
    name: 'success:false INSUFFICIENT_FUND: the order was not placed',
    exchange: 'coinbase',
    source: createOrder,
    documented: false,
    group: 'order',
    request: order,
    response: {
      status: 200,
      headers: json,
      body: '{"success":false,"failure_reason":"UNKNOWN_FAILURE_REASON","order_id":"","error_response":{"error":"INSUFFICIENT_FUND","message":"Insufficient balance in source account","error_details":"","preview_failure_reason":"PREVIEW_INSUFFICIENT_FUND"}}',
    },
    expected: { verdict: 'ignore', category: 'client' },
  },
  {
    name: 'success:false with an invalid limit price',
    exchange: 'coinbase',
    source: createOrder,
    documented: false,
    group: 'order',
    request: order,
    response: {
      status: 200,
      headers: json,
      body: '{"success":false,"failure_reason":"UNKNOWN_FAILURE_REASON","order_id":"","error_response":{"error":"UNKNOWN_FAILURE_REASON","message":"","error_details":"","preview_failure_reason":"PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY"}}',
    },
    expected: { verdict: 'ignore', category: 'client' },
  },
  {
    name: 'success:true is a success',
    exchange: 'coinbase',
    source: createOrder,
    documented: true,
    group: 'order',
    request: order,
    response: {
      status: 200,
      headers: json,
      body: '{"success":true,"success_response":{"order_id":"11111-00000-000000","product_id":"BTC-USD","side":"BUY","client_order_id":"0000-00000-000000"}}',
    },
    expected: { verdict: 'success', category: 'none' },
  },
  {
    name: '429 as a Cloudflare HTML page',
    exchange: 'coinbase',
    source:
      'https://developers.cloudflare.com/support/troubleshooting/http-status-codes/4xx-client-error/error-429/',
    documented: false,
    group: 'public',
    request: { method: 'GET', path: '/api/v3/brokerage/market/products/BTC-USD/candles' },
    response: {
      status: 429,
      headers: html,
      body: '<!DOCTYPE html><html><head><title>Access denied | api.coinbase.com used Cloudflare to restrict access</title></head><body><h1>Error 1015</h1><h2>You are being rate limited</h2></body></html>',
    },
    expected: { verdict: 'failure', category: 'rate_limit' },
  },
  {
    name: '429 with Retry-After',
    exchange: 'coinbase',
    source: 'https://docs.cdp.coinbase.com/coinbase-app/api-architecture/rate-limiting',
    documented: false,
    group: 'private',
    request: { method: 'GET', path: '/api/v3/brokerage/accounts' },
    response: {
      status: 429,
      headers: { ...json, 'retry-after': '2' },
      body: '{"error":"RESOURCE_EXHAUSTED","error_details":"Too many requests","message":"Too many requests"}',
    },
    expected: { verdict: 'failure', category: 'rate_limit', retryAfterMs: 2_000 },
  },
  {
    name: 'v2 429 rate_limit_exceeded',
    exchange: 'coinbase',
    source: 'https://docs.cdp.coinbase.com/coinbase-app/api-architecture/rate-limiting',
    documented: true,
    group: 'private',
    request: { method: 'GET', path: '/v2/accounts' },
    response: {
      status: 429,
      headers: json,
      body: '{"errors":[{"id":"rate_limit_exceeded","message":"Too many requests"}]}',
    },
    expected: { verdict: 'failure', category: 'rate_limit' },
  },
  {
    name: '401 unauthorized does not trip the breaker',
    exchange: 'coinbase',
    source: ccxt,
    documented: false,
    group: 'private',
    request: { method: 'GET', path: '/api/v3/brokerage/accounts' },
    response: { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized\n' },
    expected: { verdict: 'ignore', category: 'auth' },
  },
  {
    name: '500 INTERNAL on an order: the order may exist',
    exchange: 'coinbase',
    source: ccxt,
    documented: false,
    group: 'order',
    request: order,
    response: {
      status: 500,
      headers: json,
      body: '{"error":"INTERNAL","error_details":"internal error","message":"internal error"}',
    },
    expected: { verdict: 'failure', category: 'server', uncertainEffect: true },
  },
  {
    name: '503 with Retry-After during an incident',
    exchange: 'coinbase',
    source: 'https://status.coinbase.com/',
    documented: false,
    group: 'public',
    request: { method: 'GET', path: '/api/v3/brokerage/market/products' },
    response: {
      status: 503,
      headers: { ...html, 'retry-after': '60' },
      body: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
    },
    expected: { verdict: 'failure', category: 'server', retryAfterMs: 60_000 },
  },
];
