import type { Io } from './io.ts';

/**
 * Colour and symbols on a terminal; plain text in a pipe, a log, or with NO_COLOR set
 * (https://no-color.org), so what a script or a ticket receives reads the same without escapes.
 */
export interface Style {
  good(text: string): string;
  bad(text: string): string;
  quiet(text: string): string;
  strong(text: string): string;
}

const paint = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

const PLAIN: Style = { good: (t) => t, bad: (t) => t, quiet: (t) => t, strong: (t) => t };
const COLOUR: Style = {
  good: (t) => paint(32, 39)(`✓ ${t}`),
  bad: (t) => paint(31, 39)(`✗ ${t}`),
  quiet: paint(2, 22),
  strong: paint(1, 22),
};

export function styleFor(io: Pick<Io, 'interactive' | 'env'>): Style {
  const off = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return io.interactive && !off && io.env.TERM !== 'dumb' ? COLOUR : PLAIN;
}

export const plain = PLAIN;
