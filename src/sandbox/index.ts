export { type Call, Sandbox, VirtualClock } from './sandbox.ts';
export type { Difference, Snapshot } from './snapshot.ts';
export type { Message, World, WorldOptions } from './world.ts';
