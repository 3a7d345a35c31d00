import type { World } from './world.ts';

/** What a command handler sees: the world it acts on and the virtual time of the call. */
export interface Env {
  world: World;
  now: number;
  unhealthy: boolean;
  /** Who sends the call: the operator's role, unless a test or the runner acts as someone else. */
  caller: string;
  /** Lambda invoked by a service principal (Cognito's triggers), as AWS would: policy first, then the code. */
  invoke(request: {
    functionArn: string;
    principal: string;
    sourceArn: string;
    event: object;
  }): Promise<object>;
}

/** An SDK output without the `$metadata` the client factory adds. */
export type Out<T> = Omit<T, '$metadata'>;

// Handlers are typed with their own SDK input; `never` lets them share one table.
export type Handler = (input: never, env: Env) => object | Promise<object>;

interface ServiceExceptionOptions {
  name: string;
  $fault: 'client' | 'server';
  message: string;
  $metadata: object;
}
export type ServiceExceptionClass = new (options: ServiceExceptionOptions) => Error;

export interface ServiceModel {
  /** The client's base exception, so errors the SDK has no class for still pass its `instanceof`. */
  exception: ServiceExceptionClass;
  commands: Record<string, Handler>;
  /** Finishes work whose time has come (propagations, rollouts) whenever the clock moves. */
  settle?(world: World, now: number): void;
}

type ExceptionClass = new (options: { message: string; $metadata: object }) => Error;

/** Throws the SDK's own exception class, built as its deserialiser would. */
export function fail(Exception: unknown, message: string, extra: object = {}): never {
  throw new (Exception as ExceptionClass)({ message, $metadata: {}, ...extra });
}

/** For error names a client package has no class for (DynamoDB's ValidationException, throttling). */
export function serviceError(
  Base: ServiceExceptionClass,
  name: string,
  message: string,
  fault: 'client' | 'server' = 'client',
): Error {
  return new Base({ name, $fault: fault, message, $metadata: {} });
}

export function notModeled(what: string): Error {
  return new Error(`The sandbox does not model ${what}`);
}

export function nextId(world: World): number {
  world.counter += 1;
  return world.counter;
}

/** A deterministic UUID-shaped id, so rehearsal output is stable from run to run. */
export function uuid(world: World): string {
  return `00000000-0000-4000-8000-${nextId(world).toString(16).padStart(12, '0')}`;
}

/** A lower-case alphanumeric id of `length` characters, like API Gateway's deployment ids. */
export function shortId(world: World, length = 10): string {
  return nextId(world).toString(36).padStart(length, '0');
}
