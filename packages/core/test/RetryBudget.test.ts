import { BreakwaterConfigError, ManualClock, RetryBudget } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

function withdrawAll(budget: RetryBudget): number {
  let granted = 0;
  while (budget.tryWithdraw()) granted++;
  return granted;
}

describe('RetryBudget', () => {
  it('allows a reserve of minRetriesPerSecond × window seconds with no traffic', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock });
    expect(budget.balance).toBe(100);
    expect(withdrawAll(budget)).toBe(100);
    expect(budget.balance).toBe(0);
  });

  it('earns retryRate of a retry per call', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ retryRate: 0.1, minRetriesPerSecond: 0, clock });
    for (let i = 0; i < 9; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.balance).toBe(1);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    for (let i = 0; i < 30; i++) budget.deposit();
    expect(withdrawAll(budget)).toBe(3);
  });

  it('forgets calls and retries older than the window', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({
      retryRate: 0.5,
      minRetriesPerSecond: 0,
      windowMs: 10_000,
      clock,
    });
    for (let i = 0; i < 10; i++) budget.deposit();
    expect(withdrawAll(budget)).toBe(5);
    clock.tick(5_000);
    for (let i = 0; i < 10; i++) budget.deposit();
    // 20 calls and 5 retries in the window.
    expect(budget.balance).toBe(5);
    clock.tick(5_000);
    // The first 10 calls and their 5 retries expired; 10 calls remain.
    expect(budget.balance).toBe(5);
    clock.tick(5_000);
    expect(budget.balance).toBe(0);
  });

  it('expires a whole window at once after a long idle period', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({
      retryRate: 1,
      minRetriesPerSecond: 1,
      windowMs: 1_000,
      clock,
    });
    for (let i = 0; i < 50; i++) budget.deposit();
    expect(withdrawAll(budget)).toBe(51);
    clock.tick(3_600_000);
    expect(budget.balance).toBe(1);
  });

  it('never allows more than the reserve when retryRate is 0', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ retryRate: 0, minRetriesPerSecond: 0, clock });
    for (let i = 0; i < 1_000; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('rejects invalid options', () => {
    expect(() => new RetryBudget({ retryRate: 1.5 })).toThrow(/`retryRate`/);
    expect(() => new RetryBudget({ minRetriesPerSecond: -1 })).toThrow(/`minRetriesPerSecond`/);
    expect(() => new RetryBudget({ windowMs: 0 })).toThrow(/`windowMs`/);
    expect(() => new RetryBudget({ ratio: 0.1 } as never)).toThrow(BreakwaterConfigError);
  });
});
