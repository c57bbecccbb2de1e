import { bareKy, breakwaterKy } from '../impls/ky.ts';
import type { BenchCase } from './types.ts';

export const kyCase: BenchCase = {
  name: 'ky',
  summary: 'one GET to a loopback node:http server with ky, body read with .text()',
  reference: 'bare',
  batch: 500,
  impls: [bareKy, breakwaterKy],
};
