import { bareGot, breakwaterGot } from '../impls/got.ts';
import type { BenchCase } from './types.ts';

export const gotCase: BenchCase = {
  name: 'got',
  summary: 'one GET to a loopback node:http server with got, body buffered',
  reference: 'bare',
  batch: 500,
  impls: [bareGot, breakwaterGot],
};
