import { connect } from 'node:net';

/** The Redis every machine runs; the Redis cases are skipped when it does not answer. */
export const redisPort = 6379;

/**
 * Why the Redis cases cannot run here, or `undefined` when a Redis answers on
 * 127.0.0.1:6379. Checked once, when the cases are loaded.
 */
export const redisUnavailable: string | undefined = await new Promise((resolve) => {
  const socket = connect({ host: '127.0.0.1', port: redisPort });
  const done = (reason: string | undefined) => {
    socket.destroy();
    resolve(reason);
  };
  socket.setTimeout(500, () => done('no Redis answers on 127.0.0.1:6379; Redis cases skipped'));
  socket.once('error', () => done('no Redis on 127.0.0.1:6379; Redis cases skipped'));
  socket.once('connect', () => {
    socket.write('PING\r\n');
    socket.once('data', (data) =>
      done(data.toString().startsWith('+PONG') ? undefined : 'Redis on 6379 did not answer PING'),
    );
  });
});
