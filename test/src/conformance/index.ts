/**
 * The HTTP adapter conformance suite: `runConformance(driver)` with a {@link Driver} for the
 * client under test. See `types.ts` for how to write a driver.
 */
export { runConformance } from './runConformance.ts';
export type {
  ClientSetup,
  Driver,
  DriverClient,
  DriverRequestOptions,
  DriverResponse,
} from './types.ts';
