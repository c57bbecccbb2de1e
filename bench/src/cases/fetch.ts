import { bareFetch, breakwaterFetch } from '../impls/fetch.ts';
import type { BenchCase } from './types.ts';

export const fetchCase: BenchCase = {
  name: 'fetch',
  summary: 'one GET to a loopback node:http server with the global fetch, body read',
  reference: 'bare',
  batch: 500,
  impls: [bareFetch, breakwaterFetch],
};
