import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const member = fileURLToPath(new URL('./fixtures/fleetMember.ts', import.meta.url));

export type Message = { op: string } & Record<string, unknown>;

export interface FleetOptions {
  port: number;
  prefix: string;
  name: string;
  recoveryMs: number;
  probeTimeoutMs: number;
  quorum?: { minProcesses: number; windowMs?: number };
}

/** One child process of a {@link Fleet}. */
export class Member {
  readonly child: ChildProcess;
  readonly #messages: Message[] = [];
  #waiters: { accept: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(script = member) {
    this.child = fork(script, [], {
      execArgv: ['--conditions=@breakwater/source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: Message) => {
      const waiter = this.#waiters.find((w) => w.accept(message));
      if (waiter === undefined) {
        this.#messages.push(message);
        return;
      }
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      waiter.resolve(message);
    });
  }

  send(message: Message): void {
    this.child.send(message);
  }

  /** The next message with `op` (possibly already received) that `accept` takes. */
  next(op: string, accept: (message: Message) => boolean = () => true): Promise<Message> {
    const test = (message: Message) => message.op === op && accept(message);
    const index = this.#messages.findIndex(test);
    if (index >= 0) return Promise.resolve(this.#messages.splice(index, 1)[0]!);
    return new Promise((resolve) => this.#waiters.push({ accept: test, resolve }));
  }

  async ask(message: Message, reply: string): Promise<Message> {
    const answer = this.next(reply);
    this.send(message);
    return answer;
  }

  /** Forgets messages received so far. */
  drain(): void {
    this.#messages.length = 0;
  }

  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.send({ op: 'exit' });
    else this.child.kill('SIGKILL');
    await exited;
  }
}

/** `size` processes, each with one breaker on a RedisStore, ready for commands. */
export class Fleet {
  readonly members: Member[];

  private constructor(members: Member[]) {
    this.members = members;
  }

  static async start(size: number, options: FleetOptions): Promise<Fleet> {
    const members = Array.from({ length: size }, () => new Member());
    await Promise.all(members.map((m) => m.ask({ op: 'init', ...options }, 'ready')));
    return new Fleet(members);
  }

  async advance(ms: number, members = this.members): Promise<void> {
    await Promise.all(members.map((m) => m.ask({ op: 'advance', ms }, 'advanced')));
  }

  async states(members = this.members): Promise<Message[]> {
    return Promise.all(members.map((m) => m.ask({ op: 'state' }, 'state')));
  }

  /**
   * Every member asks for a permit on each Redis round trip; once one is admitted, the others
   * go on for 20 more round trips. Returns each member's `hammered` report.
   */
  async hammer(members = this.members): Promise<Message[]> {
    const reports = members.map((m) => m.next('hammered'));
    for (const m of members) m.send({ op: 'hammer' });
    await Promise.race(reports.map((report) => report.then((r) => r.admitted === 1 || never())));
    for (const m of members) m.send({ op: 'mark' });
    return Promise.all(reports);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()));
  }
}

function never(): Promise<never> {
  return new Promise(() => {});
}
