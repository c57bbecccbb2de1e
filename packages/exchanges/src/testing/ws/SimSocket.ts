import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** RFC 6455's constant for `Sec-WebSocket-Accept`. */
const acceptGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Larger client messages are refused (1009): the simulator only reads small JSON requests. */
const maxMessageBytes = 1 << 20;

const opText = 0x1;
const opClose = 0x8;
const opPing = 0x9;
const opPong = 0xa;

/** What a {@link SimSocket} tells its owner. */
export interface SimSocketHandlers {
  /** A complete text message from the client. */
  onText(text: string): void;
  /** A protocol ping from the client; return `false` to leave it unanswered (a silent server). */
  onPing(): boolean;
  /** A protocol pong from the client. */
  onPong(): void;
  /** The connection is gone, however it ended. */
  onClose(): void;
}

/**
 * One server side of a WebSocket, written on `node:net` so the simulator needs no `ws` package:
 * the handshake, unmasking of client frames, text messages, pings, pongs and closes, and
 * nothing else (no extensions, no binary messages). Enough for exchange market streams, which
 * are small JSON text frames.
 * @see {@link https://www.rfc-editor.org/rfc/rfc6455}
 */
export class SimSocket {
  #socket: Socket;
  #handlers: SimSocketHandlers;
  #buffer: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #messageOpcode = opText;
  #closed = false;

  private constructor(socket: Socket, handlers: SimSocketHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#gone());
  }

  /**
   * Completes the upgrade of `request` and returns the socket, or answers 400 and returns
   * `undefined` when the request is no WebSocket handshake.
   */
  static accept(
    request: IncomingMessage,
    socket: Socket,
    head: Buffer,
    handlers: SimSocketHandlers,
  ): SimSocket | undefined {
    const key = request.headers['sec-websocket-key'];
    if (typeof key !== 'string' || request.headers['sec-websocket-version'] !== '13') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return undefined;
    }
    const accept = createHash('sha1')
      .update(key + acceptGuid)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const simSocket = new SimSocket(socket, handlers);
    if (head.length > 0) simSocket.#receive(head);
    return simSocket;
  }

  /** Whether the connection is still open. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Sends a text message. */
  send(text: string): void {
    this.#write(opText, Buffer.from(text, 'utf8'));
  }

  /** Sends a protocol ping. */
  ping(data = ''): void {
    this.#write(opPing, Buffer.from(data, 'utf8'));
  }

  /** Sends a close frame with `code` and ends the connection. */
  close(code: number, reason = ''): void {
    if (this.#closed) return;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2, 'utf8');
    this.#write(opClose, payload);
    // Ends once the close frame is written, whether or not the client answers it.
    this.#socket.destroySoon();
    this.#gone();
  }

  /** Drops the TCP connection without a close frame: the client sees 1006. */
  drop(): void {
    this.#socket.destroy();
    this.#gone();
  }

  #gone(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.onClose();
  }

  #write(opcode: number, payload: Buffer): void {
    if (this.#closed || this.#socket.destroyed) return;
    const length = payload.length;
    let header: Buffer;
    if (length < 126) {
      header = Buffer.from([0x80 | opcode, length]);
    } else if (length < 0x10000) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    this.#socket.write(Buffer.concat([header, payload]));
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const frame = this.#nextFrame();
      if (frame === undefined || this.#closed) return;
      this.#handle(frame.fin, frame.opcode, frame.payload);
    }
  }

  /** Cuts the next complete frame off the buffer, unmasked, or `undefined` if none is complete. */
  #nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const buffer = this.#buffer;
    if (buffer.length < 2) return undefined;
    const fin = (buffer[0]! & 0x80) !== 0;
    const opcode = buffer[0]! & 0x0f;
    const masked = (buffer[1]! & 0x80) !== 0;
    let length = buffer[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return undefined;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return undefined;
      const long = buffer.readBigUInt64BE(2);
      length = long > BigInt(maxMessageBytes) ? maxMessageBytes + 1 : Number(long);
      offset = 10;
    }
    if (length > maxMessageBytes) {
      this.close(1009, 'message too big');
      return undefined;
    }
    const maskOffset = offset;
    if (masked) offset += 4;
    if (buffer.length < offset + length) return undefined;
    const payload = Buffer.from(buffer.subarray(offset, offset + length));
    if (masked) {
      for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskOffset + (i % 4)]!;
    }
    this.#buffer = buffer.subarray(offset + length);
    return { fin, opcode, payload };
  }

  #handle(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case opPing:
        if (this.#handlers.onPing()) this.#write(opPong, payload);
        return;
      case opPong:
        this.#handlers.onPong();
        return;
      case opClose:
        this.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
        return;
      default: {
        // Text (0x1), binary (0x2) and continuation (0x0) frames: collect until FIN.
        if (opcode !== 0) {
          this.#fragments = [];
          this.#messageOpcode = opcode;
        }
        this.#fragments.push(payload);
        if (!fin) return;
        const message = Buffer.concat(this.#fragments);
        this.#fragments = [];
        if (this.#messageOpcode === opText) this.#handlers.onText(message.toString('utf8'));
      }
    }
  }
}
