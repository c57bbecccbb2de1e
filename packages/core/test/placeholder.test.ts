import { placeholder } from '@breakwater/core';
import { expect, it } from 'vitest';

it('resolves the source condition', () => {
  expect(placeholder).toBe(1);
});
