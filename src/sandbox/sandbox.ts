import type { MockAgent } from 'undici';
import { type Transport, useTransport } from '../aws/clients.ts';
import { useClock } from '../clock.ts';
import type { Plan } from '../plan/schema.ts';
import { buildWorld } from './build.ts';
import { notModeled, type ServiceModel } from './core.ts';
import { healthAgent } from './http.ts';
import { apiGateway } from './services/apigateway.ts';
import { cloudWatch } from './services/cloudwatch.ts';
import { cognito } from './services/cognito.ts';
import { dynamoDb } from './services/dynamodb.ts';
import { ecs } from './services/ecs.ts';
import { iam } from './services/iam.ts';
import { lambda } from './services/lambda.ts';
import { route53 } from './services/route53.ts';
import { secretsManager } from './services/secrets.ts';
import { sfn } from './services/sfn.ts';
import { sns } from './services/sns.ts';
import { ssm } from './services/ssm.ts';
import { compareSnapshot, type Difference, type Snapshot, takeSnapshot } from './snapshot.ts';
import { invokeTrigger } from './triggers.ts';
import { emptyWorld, type Message, OPERATOR_ARN, START, type World, type WorldOptions } from './world.ts';

const MODELS: Record<string, ServiceModel> = {
  APIGateway: apiGateway,
  CloudWatch: cloudWatch,
  CognitoIdentityProvider: cognito,
  DynamoDB: dynamoDb,
  ECS: ecs,
  IAM: iam,
  Lambda: lambda,
  Route53: route53,
  SecretsManager: secretsManager,
  SFN: sfn,
  SNS: sns,
  SSM: ssm,
};
const GLOBAL_SERVICES = new Set(['Route53', 'IAM']);
const READ_ONLY = /^(Admin)?(Get|Describe|List|Query|Scan|BatchGet|Simulate)/;

export interface Call {
  service: string;
  command: string;
  input: object;
  /** Virtual time of the call, in ms. */
  at: number;
  mutating: boolean;
  /** The name of the error the call threw. */
  error?: string;
}

export class VirtualClock {
  constructor(
    private readonly onAdvance: () => void = () => {},
    private ms = START,
  ) {}

  now(): number {
    return this.ms;
  }

  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`The clock only moves forward; got ${seconds} s`);
    this.ms += seconds * 1000;
    this.onAdvance();
  }
}

/**
 * An in-process AWS world for rehearsals and tests. Installed as the client factory's transport,
 * it answers every SDK command from `world`, with the SDK's own exceptions, on a virtual clock.
 */
export class Sandbox implements Transport {
  readonly calls: Call[] = [];
  readonly clock: VirtualClock;
  readonly dispatcher: MockAgent;
  /** Health checks fail while set: alarms read ALARM and HTTP checks get 503. */
  unhealthy = false;
  /**
   * Services answered by a real endpoint (`AWS_ENDPOINT_URL_<SERVICE>`) instead of this model,
   * such as the ledger on dynalite. Set before `install()`.
   */
  readonly network = new Set<string>();
  /**
   * Keep every call in `calls`. A rehearsal of a sweep over a large pool turns it off: its report is
   * the sweep's own counts, and a million users' calls would be the largest thing in memory.
   */
  recordCalls = true;
  /** Who the calls come from (SendAutomationSignal checks it against a step's approvers); see `as`. */
  private caller = OPERATOR_ARN;
  private throttles = 0;
  private crash: { at: 'before' | 'after'; die: (error: Error) => void } | undefined;
  /** Rehearsals sharing this world (two cutovers racing for one lock) install it once between them. */
  private installs = 0;
  private readonly failures: { service: string; command: string; error: Error; always?: boolean }[] = [];
  /** Regional services called in another region see an empty account there, as in AWS. */
  private readonly otherRegions = new Map<string, World>();

  static fromPlan(plan: Plan, options: WorldOptions = {}): Sandbox {
    return new Sandbox(buildWorld(plan, options));
  }

  constructor(
    readonly world: World,
    clockMs = START,
  ) {
    this.clock = new VirtualClock(() => this.settle(), clockMs);
    this.dispatcher = healthAgent(world, () => this.unhealthy);
  }

  /** Runs `act` with the calls sent as `principal` (an IAM user or role ARN), as an approver answering. */
  async as<T>(principal: string, act: () => Promise<T>): Promise<T> {
    const before = this.caller;
    this.caller = principal;
    try {
      return await act();
    } finally {
      this.caller = before;
    }
  }

  get messages(): Message[] {
    return this.world.messages;
  }

  install(): this {
    this.installs += 1;
    if (this.installs === 1) {
      useTransport(this);
      useClock(() => this.clock.now());
    }
    return this;
  }

  uninstall(): void {
    this.installs = Math.max(0, this.installs - 1);
    if (this.installs > 0) return;
    useTransport(undefined);
    useClock(undefined);
  }

  async send(request: { service: string; command: string; input: object; region: string }): Promise<object> {
    const { service, command, input, region } = request;
    const crash = this.crash;
    if (crash && !READ_ONLY.test(command) && service !== 'DynamoDB' && service !== 'SNS') {
      this.crash = undefined;
      if (crash.at === 'after') await this.send(request);
      crash.die(
        Object.assign(new Error('RequestId: rehearsal Error: Runtime exited with error: signal: killed'), {
          name: 'Lambda.Unknown',
        }),
      );
      // The function is gone: nothing after this call runs.
      return new Promise<never>(() => {});
    }
    const call: Call | undefined = this.recordCalls
      ? {
          service,
          command,
          input: structuredClone(input),
          at: this.clock.now(),
          mutating: !READ_ONLY.test(command),
        }
      : undefined;
    if (call) this.calls.push(call);
    try {
      // A copy, so a caller that mutates what it got back cannot reach into the world.
      return structuredClone(await this.dispatch(service, command, input, region));
    } catch (error) {
      if (call) call.error = (error as Error).name;
      throw error;
    }
  }

  private dispatch(
    service: string,
    command: string,
    input: object,
    region: string,
  ): object | Promise<object> {
    const model = MODELS[service];
    const handler = model?.commands[command];
    if (!model || !handler) throw notModeled(`${service}.${command}`);
    if (this.throttles > 0) {
      this.throttles -= 1;
      const error = new model.exception({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: {},
      });
      throw Object.assign(error, { $retryable: { throttling: true } });
    }
    const injected = this.failures.findIndex((f) => f.service === service && f.command === command);
    if (injected >= 0) {
      const failure = this.failures[injected];
      if (!failure?.always) this.failures.splice(injected, 1);
      throw failure?.error;
    }
    this.settle();
    const world =
      GLOBAL_SERVICES.has(service) || region === this.world.region ? this.world : this.regionWorld(region);
    return handler(input as never, {
      world,
      now: this.clock.now(),
      unhealthy: this.unhealthy,
      caller: this.caller,
      invoke: (request) => invokeTrigger(world, request),
    });
  }

  private regionWorld(region: string): World {
    const world = this.otherRegions.get(region) ?? emptyWorld(region, this.world.accountId);
    this.otherRegions.set(region, world);
    return world;
  }

  private settle(): void {
    for (const model of Object.values(MODELS)) model.settle?.(this.world, this.clock.now());
  }

  /**
   * Every call that would change something, from call number `since` on; ledger writes only when
   * asked, so dry-runs can be proven clean.
   */
  mutatingCalls({
    includeLedger = false,
    since = 0,
  }: {
    includeLedger?: boolean;
    since?: number;
  } = {}): Call[] {
    return this.calls.slice(since).filter((c) => c.mutating && (includeLedger || c.service !== 'DynamoDB'));
  }

  /**
   * The function now running dies at its next call that changes a resource (not the ledger, not a
   * notification): `before` AWS gets it, or `after` AWS applied it. The promise rejects then with
   * `Lambda.Unknown`, as Step Functions reports a function that ran out of memory or was killed.
   */
  crashAt(at: 'before' | 'after'): Promise<never> {
    return new Promise<never>((_resolve, reject) => {
      this.crash = { at, die: reject };
    });
  }

  /** The function ended without reaching a call that changes something: it does not die later. */
  disarmCrash(): void {
    this.crash = undefined;
  }

  /** The next `n` calls, whatever their service, are throttled; `throttleNext(0)` lifts what is left. */
  throttleNext(n = 1): void {
    this.throttles = n;
  }

  /** The next `service`.`command` call throws `error`. */
  failNext(service: string, command: string, error: Error): void {
    this.failures.push({ service, command, error });
  }

  /** Every call of `service.command` from now on throws `error`: a fault that retrying cannot clear. */
  failAlways(service: string, command: string, error: Error): void {
    this.failures.push({ service, command, error, always: true });
  }

  snapshot(): Snapshot {
    return takeSnapshot(this.world);
  }

  /** What differs from `snapshot` now; empty when everything is as it was. */
  compare(snapshot: Snapshot): Difference[] {
    return compareSnapshot(snapshot, this.world);
  }
}
