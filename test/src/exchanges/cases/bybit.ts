import { caseOf, type ExchangeCase, html, json } from './types.ts';

const rateLimit = 'https://bybit-exchange.github.io/docs/v5/rate-limit';
const errors = 'https://bybit-exchange.github.io/docs/v5/error';
const order = { method: 'POST', path: '/v5/order/create' } as const;

const limitHeaders = {
  ...json,
  'x-bapi-limit': '10',
  'x-bapi-limit-status': '0',
  'x-bapi-limit-reset-timestamp': '1767225601500',
};

const bybit = (retCode: number, retMsg: string) =>
  JSON.stringify({ retCode, retMsg, result: {}, retExtInfo: {}, time: 1767225600000 });

const batchPlace = 'https://bybit-exchange.github.io/docs/v5/order/batch-place';
const systemStatus = 'https://bybit-exchange.github.io/docs/v5/system-status';
const y = (input: Parameters<typeof caseOf>[1]) => caseOf('bybit', input);
const answer = (retCode: number, retMsg: string) => ({
  retCode,
  retMsg,
  result: {},
  retExtInfo: {},
  time: 1767225600000,
});

/** Cases added for the accuracy review: system codes, unknown codes, batches, status. */
const reviewCases: readonly ExchangeCase[] = [
  y({
    name: 'retCode 170146 order creation timeout: the order may exist',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/create',
    body: answer(170146, 'Order creation timeout'),
    expected: { verdict: 'failure', category: 'timeout', uncertainEffect: true },
  }),
  y({
    name: 'retCode 170147 order cancellation timeout',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/cancel',
    body: answer(170147, 'Order cancellation timeout'),
    expected: { verdict: 'failure', category: 'timeout', uncertainEffect: true },
  }),
  y({
    name: 'retCode 429: the trading service is under high load',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/create',
    body: answer(429, 'The trading service is experiencing a high server load. Please retry.'),
    expected: { verdict: 'failure', category: 'server', uncertainEffect: true },
  }),
  y({
    name: 'retCode 10016 on a position read: a server failure, nothing uncertain',
    source: errors,
    group: 'private',
    request: 'GET /v5/position/list?category=linear',
    body: answer(10016, 'Server error.'),
    expected: { verdict: 'failure', category: 'server' },
  }),
  y({
    name: 'retCode 170001 internal error on a spot order',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/create',
    body: answer(170001, 'Internal error.'),
    expected: { verdict: 'failure', category: 'server', uncertainEffect: true },
  }),
  y({
    name: 'retCode 170005 too many new orders: refused',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/create',
    body: answer(170005, 'Too many new orders; current limit is 10 orders per 1s.'),
    expected: { verdict: 'failure', category: 'rate_limit', uncertainEffect: false },
  }),
  y({
    name: 'batch with one rejected order in retExtInfo.list: ignored, never a success',
    source: batchPlace,
    group: 'order',
    request: 'POST /v5/order/create-batch',
    body: {
      retCode: 0,
      retMsg: 'OK',
      result: {
        list: [
          {
            category: 'linear',
            symbol: 'BTCUSDT',
            orderId: 'b8e3-1',
            orderLinkId: 'a',
            createAt: '1',
          },
          { category: 'linear', symbol: 'BTCUSDT', orderId: '', orderLinkId: 'b', createAt: '' },
        ],
      },
      retExtInfo: {
        list: [
          { code: 0, msg: 'OK' },
          { code: 110007, msg: 'Available balance is insufficient' },
        ],
      },
      time: 1767225600000,
    },
    expected: { verdict: 'ignore', category: 'client', failedItems: ['110007'] },
  }),
  y({
    name: 'batch where every order was placed',
    source: batchPlace,
    group: 'order',
    request: 'POST /v5/order/create-batch',
    body: {
      retCode: 0,
      retMsg: 'OK',
      result: { list: [{ orderId: 'b8e3-1', orderLinkId: 'a' }] },
      retExtInfo: { list: [{ code: 0, msg: 'OK' }] },
      time: 1767225600000,
    },
    expected: { verdict: 'success', category: 'none' },
  }),
  y({
    name: '/v5/system/status with an ongoing upgrade: maintenance until its end',
    source: systemStatus,
    group: 'public',
    request: 'GET /v5/system/status',
    body: {
      retCode: 0,
      retMsg: 'OK',
      result: {
        list: [
          {
            id: '4d95b2a0-587f-11f0-bcc9-56f28c94d6ea',
            title: 't06',
            state: 'ongoing',
            begin: '1767225000000',
            end: '1767227400000',
            href: '',
            serviceTypes: [2, 3, 4, 5],
            product: [1, 2],
            uidSuffix: [],
            maintainType: 1,
            env: 1,
          },
        ],
      },
      retExtInfo: {},
      time: 1767225600000,
    },
    expected: { verdict: 'failure', category: 'maintenance', retryAfterMs: 1_800_000 },
  }),
  y({
    name: '/v5/system/status with completed events only: a success',
    source: systemStatus,
    group: 'public',
    request: 'GET /v5/system/status',
    body: {
      retCode: 0,
      retMsg: 'OK',
      result: { list: [{ title: 'done', state: 'completed', begin: '1', end: '2' }] },
      retExtInfo: {},
      time: 1767225600000,
    },
    expected: { verdict: 'success', category: 'none' },
  }),
  y({
    name: 'a code no table or range places, on an order: uncertain, never a silent client error',
    source: errors,
    documented: false,
    group: 'order',
    request: 'POST /v5/order/create',
    body: answer(1999999, 'Something new'),
    expected: { verdict: 'failure', category: 'unknown', uncertainEffect: true },
  }),
  y({
    name: 'the same unplaced code on a read was answered: a client error',
    source: errors,
    documented: false,
    group: 'private',
    request: 'GET /v5/order/realtime?category=linear',
    body: answer(1999999, 'Something new'),
    expected: { verdict: 'ignore', category: 'client' },
  }),
  y({
    name: 'retCode 180023 service maintenance (Earn)',
    source: errors,
    documented: false,
    group: 'private',
    request: 'POST /v5/earn/place-order',
    body: answer(180023, 'Service maintenance, please try again later'),
    expected: { verdict: 'failure', category: 'maintenance', uncertainEffect: true },
  }),
  y({
    name: 'retCode 110001 order does not exist on a cancel',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/cancel',
    body: answer(110001, 'Order does not exist'),
    expected: { verdict: 'ignore', category: 'client' },
  }),
  y({
    name: 'retCode 10001 request parameter error',
    source: errors,
    group: 'order',
    request: 'POST /v5/order/create',
    body: answer(10001, 'Request parameter error'),
    expected: { verdict: 'ignore', category: 'client' },
  }),
];

export const bybitCases: readonly ExchangeCase[] = [
  ...reviewCases,
  {
    name: 'retCode 10006 Too many visits!: wait until the window resets',
    exchange: 'bybit',
    source: rateLimit,
    documented: true,
    group: 'order',
    request: order,
    response: { status: 200, headers: limitHeaders, body: bybit(10006, 'Too many visits!') },
    expected: { verdict: 'failure', category: 'rate_limit', retryAfterMs: 1_500 },
  },
  {
    name: 'retCode 10018 IP rate limit',
    exchange: 'bybit',
    source: errors,
    documented: true,
    group: 'public',
    request: { method: 'GET', path: '/v5/market/tickers' },
    response: { status: 200, headers: json, body: bybit(10018, 'Exceeded the IP Rate Limit.') },
    expected: { verdict: 'failure', category: 'rate_limit' },
  },
  {
    name: '403 access too frequent: IP ban of at least 10 minutes',
    exchange: 'bybit',
    source: rateLimit,
    documented: true,
    group: 'public',
    request: { method: 'GET', path: '/v5/market/orderbook' },
    response: {
      status: 403,
      headers: { 'content-type': 'text/plain' },
      body: 'access too frequent',
    },
    expected: { verdict: 'failure', category: 'rate_limit', retryAfterMs: 600_000 },
  },
  {
    name: '403 CloudFront country block is not a ban to wait out',
    exchange: 'bybit',
    source:
      'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/georestrictions.html',
    documented: false,
    group: 'public',
    request: { method: 'GET', path: '/v5/market/time' },
    response: {
      status: 403,
      headers: html,
      body: '<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1><H2>The request could not be satisfied.</H2>The Amazon CloudFront distribution is configured to block access from your country.</BODY></HTML>',
    },
    expected: { verdict: 'ignore', category: 'auth' },
  },
  {
    name: 'retCode 10003 invalid API key',
    exchange: 'bybit',
    source: errors,
    documented: true,
    group: 'private',
    request: { method: 'GET', path: '/v5/account/wallet-balance' },
    response: { status: 200, headers: json, body: bybit(10003, 'API key is invalid.') },
    expected: { verdict: 'ignore', category: 'auth' },
  },
  {
    name: 'retCode 10002 request time outside recv_window',
    exchange: 'bybit',
    source: errors,
    documented: true,
    group: 'private',
    request: { method: 'GET', path: '/v5/position/list' },
    response: {
      status: 200,
      headers: json,
      body: bybit(
        10002,
        'invalid request, please check your server timestamp or recv_window param',
      ),
    },
    expected: { verdict: 'ignore', category: 'client' },
  },
  {
    name: 'retCode 10016 server error on an order: the order may exist',
    exchange: 'bybit',
    source: errors,
    documented: true,
    group: 'order',
    request: order,
    response: { status: 200, headers: json, body: bybit(10016, 'Server error.') },
    expected: { verdict: 'failure', category: 'server', uncertainEffect: true },
  },
  {
    name: 'retCode 10000 server timeout on an order',
    exchange: 'bybit',
    source: errors,
    documented: false,
    group: 'order',
    request: order,
    response: { status: 200, headers: json, body: bybit(10000, 'Server Timeout') },
    expected: { verdict: 'failure', category: 'timeout', uncertainEffect: true },
  },
  {
    name: 'retCode 110007 insufficient available balance',
    exchange: 'bybit',
    source: errors,
    documented: true,
    group: 'order',
    request: order,
    response: {
      status: 200,
      headers: json,
      body: bybit(110007, 'ab not enough for new order'),
    },
    expected: { verdict: 'ignore', category: 'client' },
  },
  {
    name: 'retCode 0 with limit headers is a success',
    exchange: 'bybit',
    source: rateLimit,
    documented: true,
    group: 'order',
    request: order,
    response: {
      status: 200,
      headers: { ...limitHeaders, 'x-bapi-limit-status': '9' },
      body: '{"retCode":0,"retMsg":"OK","result":{"orderId":"1321003749386327552","orderLinkId":"spot-test-postonly"},"retExtInfo":{},"time":1767225600000}',
    },
    expected: { verdict: 'success', category: 'none' },
  },
];
