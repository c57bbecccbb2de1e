import { bareAxios, breakwaterAxios } from '../impls/axios.ts';
import type { BenchCase } from './types.ts';

export const axiosCase: BenchCase = {
  name: 'axios',
  summary: 'one GET to a loopback node:http server with axios, body parsed',
  reference: 'bare',
  batch: 500,
  impls: [bareAxios, breakwaterAxios],
};
