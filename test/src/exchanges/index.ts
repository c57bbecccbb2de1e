/**
 * The exchange case table: documented exchange responses with the verdict each preset must
 * give, an adversarial table, and `runExchangeCases(driver)`, which runs them all through one
 * HTTP client against a loopback server.
 */
export { adversarialCases } from './cases/adversarial.ts';
export { caseNowMs, type ExchangeCase, exchangeCases } from './cases/index.ts';
export { presetFor } from './presetFor.ts';
export { runExchangeCases } from './runExchangeCases.ts';
export { expectedView, type VerdictView, viewOf } from './verdictView.ts';
