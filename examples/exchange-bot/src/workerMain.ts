// The second Breakwater bot of `npm run demo -- --redis`, started by the demo (src/fleet.ts):
// the same bot on the same simulator, in a process of its own, whose breakers share their state
// with the first one's through Redis.
import { Bot } from './Bot.ts';
import { type FromWorker, remoteStage, sharedRegistry, type ToWorker } from './fleet.ts';
import { breakerDefaults } from './runDemo.ts';
import { ScaledClock } from './ScaledClock.ts';

const send = (message: FromWorker) => process.send?.(message);

process.once('message', async (message: ToWorker) => {
  if (message.type !== 'start') return;
  const { config } = message;
  const clock = new ScaledClock(config.speed);
  const { registry, store } = sharedRegistry(config, clock, breakerDefaults);
  registry.on('stateChange', ({ breaker, from, to, category, reason }) =>
    send({ type: 'event', line: `${breaker} ${from} → ${to} (${category ?? reason})` }),
  );
  const bot = new Bot({
    mode: 'breakwater',
    stage: remoteStage(config),
    clock,
    registry,
    log: (line) => send({ type: 'event', line }),
    binanceWeightLimit: config.binanceWeightLimit,
  });
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let report: ReturnType<typeof setInterval> | undefined;
  const stop = async () => {
    controller.abort();
    clearInterval(report);
    await running;
    await bot.close();
    registry.dispose();
    await store.dispose();
    process.disconnect();
  };
  // The demo went away (killed, crashed): stop too, leaving nothing behind.
  process.once('disconnect', () => {
    if (!controller.signal.aborted) void stop();
  });
  try {
    await bot.start();
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
    await stop();
    return;
  }
  process.on('message', (next: ToWorker) => {
    if (next.type === 'run' && running === undefined) {
      running = bot.run(controller.signal);
      report = setInterval(() => send({ type: 'rows', rows: bot.rows() }), 200);
    } else if (next.type === 'stop') {
      void stop();
    }
  });
  send({ type: 'ready' });
});
