import type { FailureTrend, PatternCount } from './types.ts';

interface Findings {
  readonly patterns: readonly PatternCount[];
  readonly categories: Readonly<Record<string, number | undefined>>;
  readonly trend: FailureTrend;
  readonly uncertainEffects: number;
}

const byPattern: Readonly<Record<string, string>> = {
  ip_ban:
    'An IP ban or key lockout is in force: send nothing until it ends (each request may extend it); a breaker with openOnRetryAfter holds calls for the announced time.',
  rate_limit:
    'Rate limits are being hit: feed the used-weight headers to a RateLimiter (binanceRateLimitFeedback, bybitRateLimitFeedback), lower polling and use WebSocket streams for market data.',
  maintenance:
    'The exchange reports maintenance: check its system status and keep order breakers open until it ends.',
  timeout:
    'Calls time out: check latency to the exchange and the timeout setting; treat timed-out orders as possibly placed.',
  network:
    'Connections fail: check DNS, proxies and the network path; the breaker sheds load until they recover.',
  server_error:
    'The exchange is failing on its side: back off and watch its status page before trading again.',
  auth: 'Authentication is rejected: check the API key, its permissions and IP allow-list (these errors do not trip the breaker).',
  clock_or_nonce:
    'Clock or nonce errors: synchronise the clock (NTP) and use one strictly increasing nonce per key.',
  insufficient_funds: 'Orders exceed the available balance: refresh balances before sizing orders.',
};

/**
 * Advice for the patterns and trends found, most severe first. Not part of the public API.
 */
export function recommend(findings: Findings): string[] {
  const out: string[] = [];
  if (findings.uncertainEffects > 0) {
    out.push(
      `${findings.uncertainEffects} call(s) ended with an unknown outcome: look orders up by client order id before placing them again; never retry them blindly.`,
    );
  }
  for (const pattern of findings.patterns) {
    const advice = byPattern[pattern.name];
    if (advice !== undefined && !out.includes(advice)) out.push(advice);
  }
  if (findings.trend === 'increasing') {
    out.push(
      'Failures are increasing: consider opening the breaker before the exchange bans or degrades further.',
    );
  }
  return out;
}
