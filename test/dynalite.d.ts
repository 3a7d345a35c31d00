declare module 'dynalite' {
  import type { Server } from 'node:http';
  /** An in-memory DynamoDB over HTTP; the delays are how long a table stays CREATING or DELETING. */
  export default function dynalite(options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }): Server;
}
