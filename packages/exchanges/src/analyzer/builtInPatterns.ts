import type { FailurePattern } from './types.ts';

/**
 * Patterns for what trading bots meet most, across the five exchanges and the network. User
 * patterns are tried first; these after.
 */
export const builtInPatterns: readonly FailurePattern[] = Object.freeze([
  {
    name: 'ip_ban',
    category: 'rate_limit',
    severity: 'critical',
    regex: [/banned until|ip banned|temporary lockout|access too frequent/i],
    statusCodes: [418],
    frequencyThreshold: 1,
    description: 'The exchange banned this IP or locked the key out for a while.',
  },
  {
    name: 'rate_limit',
    category: 'rate_limit',
    severity: 'medium',
    regex: [
      /rate.?limit|too many (requests|visits|new orders)|request weight|-1003\b|-1015\b|\b50011\b|\b10006\b|\b10018\b/i,
    ],
    statusCodes: [429],
    description: 'Requests exceeded the exchange rate limit.',
  },
  {
    name: 'maintenance',
    category: 'maintenance',
    severity: 'high',
    regex: [
      /maintenance|EService:Unavailable|cancel_only|post_only|temporarily unavailable|\b50001\b/i,
    ],
    frequencyThreshold: 1,
    description: 'The exchange is down or restricted for maintenance.',
  },
  {
    name: 'timeout',
    category: 'timeout',
    severity: 'medium',
    regex: [/timed? ?out|ETIMEDOUT|deadline (elapsed|exceeded)|\b50004\b|-1007\b/i],
    keywords: ['TimeoutError'],
    statusCodes: [408, 504],
    description: 'Calls timed out; on orders the outcome is unknown.',
  },
  {
    name: 'network',
    category: 'network',
    severity: 'high',
    regex: [
      /ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|fetch failed|network/i,
    ],
    description: 'The connection failed.',
  },
  {
    name: 'server_error',
    category: 'server',
    severity: 'high',
    regex: [
      /internal (server )?error|system (error|is busy)|server (error|busy)|EService:Busy|-1001\b|-1006\b|\b10016\b|\b50013\b|\b50026\b/i,
    ],
    statusCodes: [500, 502, 503, 520, 521, 522, 523, 524, 525],
    description: 'The exchange failed on its side.',
  },
  {
    name: 'auth',
    category: 'auth',
    severity: 'high',
    regex: [
      /invalid (api[- ]?)?key|invalid sign|signature|permission denied|unauthori[sz]ed|-2015\b|-2014\b|\b50113\b|\b10003\b/i,
    ],
    statusCodes: [401],
    description: 'The API key, signature or permissions were rejected.',
  },
  {
    name: 'clock_or_nonce',
    category: 'client',
    severity: 'medium',
    regex: [
      /nonce|recvWindow|recv_window|timestamp (for this request|request expired)|-1021\b|\b50102\b|\b10002\b/i,
    ],
    description: 'The local clock or the nonce is off.',
  },
  {
    name: 'insufficient_funds',
    category: 'client',
    severity: 'low',
    regex: [/insufficient (funds?|balance)|ab not enough|-2010\b|\b51008\b|\b110007\b/i],
    description: 'The account lacks the balance for the order.',
  },
]);
