import { breakwaterPipeline, cockatielPipeline } from '../impls/pipeline.ts';
import type { BenchCase } from './types.ts';

export const pipelineCase: BenchCase = {
  name: 'pipeline',
  summary: 'retry (3 attempts) → breaker → 1000 ms timeout, action resolves immediately',
  reference: 'cockatiel',
  batch: 2_000,
  impls: [cockatielPipeline, breakwaterPipeline],
};
