import { adaptiveConcurrency, ManualClock } from '@breakwater/core';
import { QueueingServer } from './trafficModel.ts';

const clock = new ManualClock();
const server = new QueueingServer(clock, 40, 20);
const limiter = adaptiveConcurrency({ clock, windowMs: 200, initialLimit: 5, minWindowCalls: 5 });
limiter.on('limitChanged', (e) => console.log(clock.monotonic(), JSON.stringify(e)));
for (let w = 0; w < 22; w++) {
  if (w === 20) server.workers = 20;
  for (let t = 0; t < 200; t += 1) {
    for (let i = 0; i < 10; i++) limiter.execute(server.call).catch(() => {});
    await clock.advance(1);
  }
  console.log('window', w, limiter.limit.toFixed(1));
}
