/**
 * @breakwater/ws/testing: a real `ws` server on loopback with injected faults, for the guard's
 * tests and for yours. Node only: it imports `ws` and `node:http`.
 */
export {
  createFaultyWsServer,
  type FaultyWsServer,
  type FaultyWsServerOptions,
  type ReceivedMessage,
} from './createFaultyWsServer.ts';
