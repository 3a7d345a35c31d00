import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { notModeled } from '../core.ts';
import { RESERVED_WORDS } from './dynamodb-reserved-words.ts';

/**
 * The subset of DynamoDB's expression language the ledger needs: conditions with comparisons,
 * BETWEEN, AND/OR/NOT, attribute_exists/attribute_not_exists/begins_with/contains; updates with
 * SET (values, `a + b`, if_not_exists), REMOVE and ADD on numbers; top-level attributes only.
 * It keeps DynamoDB's own refusals: unused or undefined placeholders, reserved words, overlapping paths.
 */
export type Item = Record<string, AttributeValue>;
export type Condition = (item: Item) => boolean;
export type Refusal = (message: string) => never;

const TOKEN = /\s*(#\w+|:\w+|[A-Za-z_]\w*|<>|<=|>=|[=<>(),+\-.[\]])/y;

function tokenize(text: string, refuse: Refusal, label: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match?.[1]) {
      if (text.slice(at).trim() === '') break;
      refuse(
        `Invalid ${label}: Syntax error; token: "${text.slice(at).trim()[0]}", near: "${text.slice(at).trim()}"`,
      );
    }
    tokens.push(match[1]);
  }
  return tokens;
}

/** One request's placeholders: which are used, so the ones left over can be refused as DynamoDB does. */
export class Placeholders {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();
  constructor(
    private readonly names: Record<string, string> = {},
    private readonly values: Record<string, AttributeValue> = {},
    readonly refuse: Refusal,
  ) {}

  name(token: string, label: string): string {
    if (token.startsWith('#')) {
      const name = this.names[token];
      if (name === undefined) {
        this.refuse(
          `Invalid ${label}: An expression attribute name used in the document path is not defined; attribute name: ${token}`,
        );
      }
      this.usedNames.add(token);
      return name;
    }
    if (RESERVED_WORDS.has(token.toLowerCase())) {
      this.refuse(`Invalid ${label}: Attribute name is a reserved keyword; reserved keyword: ${token}`);
    }
    return token;
  }

  value(token: string, label: string): AttributeValue {
    const value = this.values[token];
    if (value === undefined) {
      this.refuse(
        `Invalid ${label}: An expression attribute value used in expression is not defined; attribute value: ${token}`,
      );
    }
    this.usedValues.add(token);
    return value;
  }

  /** Called once every expression of the request is parsed. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((n) => !this.usedNames.has(n));
    if (unusedNames.length > 0) {
      this.refuse(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
    const unusedValues = Object.keys(this.values).filter((v) => !this.usedValues.has(v));
    if (unusedValues.length > 0) {
      this.refuse(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
  }
}

type Operand = (item: Item) => AttributeValue | undefined;

class Parser {
  private at = 0;
  private readonly tokens: string[];
  /** Attributes compared with `=`, so a key condition can be checked for its partition key. */
  readonly equalities: string[] = [];

  constructor(
    text: string,
    private readonly p: Placeholders,
    private readonly label: string,
  ) {
    this.tokens = tokenize(text, p.refuse, label);
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }
  private keyword(word: string): boolean {
    if (this.peek()?.toUpperCase() !== word) return false;
    this.at += 1;
    return true;
  }
  private take(): string {
    const token = this.tokens[this.at++];
    return (
      token ?? this.p.refuse(`Invalid ${this.label}: Syntax error; token: <EOF>, near: end of expression`)
    );
  }
  private accept(token: string): boolean {
    if (this.peek() !== token) return false;
    this.at += 1;
    return true;
  }
  private expect(token: string): void {
    const got = this.take();
    if (got !== token)
      this.p.refuse(`Invalid ${this.label}: Syntax error; token: "${got}", expected "${token}"`);
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  end(): void {
    if (!this.done())
      this.p.refuse(`Invalid ${this.label}: Syntax error; token: "${this.peek()}", near: "${this.peek()}"`);
  }

  path(): string {
    const token = this.take();
    if (!/^[#A-Za-z_]/.test(token)) this.p.refuse(`Invalid ${this.label}: Syntax error; token: "${token}"`);
    if (this.peek() === '.' || this.peek() === '[') throw notModeled('DynamoDB nested document paths');
    return this.p.name(token, this.label);
  }

  operand(): Operand {
    const token = this.peek() ?? '';
    if (token.startsWith(':')) {
      this.at += 1;
      const value = this.p.value(token, this.label);
      return () => value;
    }
    if (/^[A-Za-z_]\w*$/.test(token) && this.tokens[this.at + 1] === '(')
      throw notModeled(`DynamoDB function ${token}`);
    const name = this.path();
    return (item) => item[name];
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.keyword('OR')) {
      const a = left;
      const b = this.conjunction();
      left = (item) => a(item) || b(item);
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.keyword('AND')) {
      const a = left;
      const b = this.negation();
      left = (item) => a(item) && b(item);
    }
    return left;
  }

  private negation(): Condition {
    if (this.keyword('NOT')) {
      const inner = this.negation();
      return (item) => !inner(item);
    }
    if (this.peek() === '(') {
      this.at += 1;
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const fn = this.peek()?.toLowerCase();
    if (this.tokens[this.at + 1] === '(' && fn && !fn.startsWith('#')) return this.function(fn);
    return this.comparison();
  }

  private function(fn: string): Condition {
    this.at += 2;
    const name = this.path();
    let condition: Condition;
    if (fn === 'attribute_exists') condition = (item) => item[name] !== undefined;
    else if (fn === 'attribute_not_exists') condition = (item) => item[name] === undefined;
    else if (fn === 'begins_with' || fn === 'contains') {
      this.expect(',');
      const operand = this.operand();
      condition = (item) => {
        const [value, part] = [item[name], operand(item)];
        if (value?.S === undefined || part?.S === undefined) return false;
        return fn === 'begins_with' ? value.S.startsWith(part.S) : value.S.includes(part.S);
      };
    } else throw notModeled(`DynamoDB function ${fn}`);
    this.expect(')');
    return condition;
  }

  private comparison(): Condition {
    const start = this.peek() ?? '';
    const left = this.operand();
    if (this.keyword('BETWEEN')) {
      const low = this.operand();
      if (!this.keyword('AND')) this.p.refuse(`Invalid ${this.label}: Syntax error; BETWEEN needs AND`);
      const high = this.operand();
      return (item) => {
        const [v, lo, hi] = [left(item), low(item), high(item)];
        return (
          v !== undefined && lo !== undefined && hi !== undefined && order(lo, v) <= 0 && order(v, hi) <= 0
        );
      };
    }
    const op = this.take();
    const right = this.operand();
    if (op === '=' && !start.startsWith(':')) this.equalities.push(this.p.name(start, this.label));
    const test: Record<string, (c: number) => boolean> = {
      '=': (c) => c === 0,
      '<>': (c) => c !== 0,
      '<': (c) => c < 0,
      '<=': (c) => c <= 0,
      '>': (c) => c > 0,
      '>=': (c) => c >= 0,
    };
    const holds = test[op] ?? this.p.refuse(`Invalid ${this.label}: Syntax error; token: "${op}"`);
    return (item) => {
      const [a, b] = [left(item), right(item)];
      if (a === undefined || b === undefined) return op === '<>' && a !== b;
      const c = order(a, b);
      return Number.isNaN(c) ? op === '<>' : holds(c);
    };
  }

  /** `SET a = v, ... REMOVE b, ... ADD n :v` in any order, each clause once. */
  update(): { apply: (item: Item) => void; paths: string[] } {
    const steps: ((item: Item) => void)[] = [];
    const paths: string[] = [];
    const seen = new Set<string>();
    const touch = (name: string) => {
      if (paths.includes(name)) {
        this.p.refuse(
          `Invalid ${this.label}: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${name}], path two: [${name}]`,
        );
      }
      paths.push(name);
    };
    while (!this.done()) {
      const clause = this.take().toUpperCase();
      if (seen.has(clause))
        this.p.refuse(
          `Invalid ${this.label}: The "${clause}" section can only be used once in an update expression;`,
        );
      seen.add(clause);
      do {
        const name = this.path();
        touch(name);
        if (clause === 'SET') {
          this.expect('=');
          const value = this.setValue();
          steps.push((item) => {
            item[name] =
              value(item) ??
              this.p.refuse('The provided expression refers to an attribute that does not exist in the item');
          });
        } else if (clause === 'REMOVE') {
          steps.push((item) => {
            delete item[name];
          });
        } else if (clause === 'ADD') {
          const operand = this.operand();
          steps.push((item) => {
            const [current, delta] = [item[name], operand(item)];
            if (delta?.N === undefined || (current !== undefined && current.N === undefined)) {
              this.p.refuse('An operand in the update expression has an incorrect data type');
            }
            item[name] = { N: String(Number(current?.N ?? 0) + Number(delta.N)) };
          });
        } else if (clause === 'DELETE') throw notModeled('DynamoDB DELETE update clauses');
        else this.p.refuse(`Invalid ${this.label}: Syntax error; token: "${clause}"`);
      } while (this.accept(','));
    }
    const apply = (item: Item) => {
      for (const step of steps) step(item);
    };
    return { apply, paths };
  }

  private setValue(): Operand {
    const first = this.setTerm();
    const op = this.peek();
    if (op !== '+' && op !== '-') return first;
    this.at += 1;
    const second = this.setTerm();
    return (item) => {
      const [a, b] = [first(item), second(item)];
      if (a?.N === undefined || b?.N === undefined) {
        return this.p.refuse('An operand in the update expression has an incorrect data type');
      }
      return { N: String(op === '+' ? Number(a.N) + Number(b.N) : Number(a.N) - Number(b.N)) };
    };
  }

  private setTerm(): Operand {
    if (this.peek()?.toLowerCase() === 'if_not_exists' && this.tokens[this.at + 1] === '(') {
      this.at += 2;
      const name = this.path();
      this.expect(',');
      const fallback = this.setValue();
      this.expect(')');
      return (item) => item[name] ?? fallback(item);
    }
    return this.operand();
  }
}

/** Orders two scalar values; NaN when DynamoDB would not compare them (different types). */
function order(a: AttributeValue, b: AttributeValue): number {
  if (a.S !== undefined && b.S !== undefined) return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if (a.N !== undefined && b.N !== undefined) return Math.sign(Number(a.N) - Number(b.N));
  if (a.B !== undefined && b.B !== undefined) return Buffer.compare(Buffer.from(a.B), Buffer.from(b.B));
  return JSON.stringify(a) === JSON.stringify(b) ? 0 : Number.NaN;
}

export function parseCondition(
  text: string,
  p: Placeholders,
  label: string,
): { test: Condition; equalities: string[] } {
  const parser = new Parser(text, p, label);
  const test = parser.condition();
  parser.end();
  return { test, equalities: parser.equalities };
}

export function parseUpdate(text: string, p: Placeholders) {
  return new Parser(text, p, 'UpdateExpression').update();
}

export function parseProjection(text: string, p: Placeholders): string[] {
  return text.split(',').map((part) => {
    const name = part.trim();
    if (!/^#?\w+$/.test(name)) throw notModeled('DynamoDB nested projections');
    return p.name(name, 'ProjectionExpression');
  });
}
