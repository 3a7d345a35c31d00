import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * Which files a handler's bundle can contain and which SDK commands their code constructs, read from
 * the source alone: no bundler, no AWS. The analysis is per file, not per function, so it over-counts
 * what esbuild's tree shaking may drop; that errs towards granting, never towards a missing grant.
 * Anything it cannot attribute to one SDK package (a command class held in a variable, a dynamic
 * import of a computed path) throws, because a silent gap would make the manifest look honest.
 */

/** The SDK client packages the code may import, and the service name of each package's client class. */
export const SDK_SERVICES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-api-gateway': 'APIGateway',
  '@aws-sdk/client-cloudwatch': 'CloudWatch',
  '@aws-sdk/client-cognito-identity-provider': 'CognitoIdentityProvider',
  '@aws-sdk/client-dynamodb': 'DynamoDB',
  '@aws-sdk/client-ecs': 'ECS',
  '@aws-sdk/client-iam': 'IAM',
  '@aws-sdk/client-lambda': 'Lambda',
  '@aws-sdk/client-route-53': 'Route53',
  '@aws-sdk/client-secrets-manager': 'SecretsManager',
  // The operator CLI's; no handler reaches it, and the test proves that.
  '@aws-sdk/client-sfn': 'SFN',
  '@aws-sdk/client-sns': 'SNS',
  '@aws-sdk/client-ssm': 'SSM',
};

export interface Reach {
  /** Every file the entry can load at run time, relative to the root, `/`-separated, sorted. */
  files: string[];
  /** Every command those files construct, as `<Service>:<Command>`, sorted. */
  commands: string[];
}

/** Where a name bound by an import comes from: one SDK export, or a whole module as a namespace. */
type Origin =
  | { kind: 'sdk'; pkg: string; name: string }
  | { kind: 'sdk-namespace'; pkg: string }
  | { kind: 'module-namespace'; file: string };

interface Binding {
  spec: string;
  /** The name the module exports, or `*` for `import * as x`. */
  imported: string;
}

/** A `new` whose callee is a bound name (`new X(`) or a member of one (`new ns.X(`). */
interface Construction {
  callee: string;
  member?: string;
  line: number;
}

interface Module {
  file: string;
  /** Specifiers this module loads at run time: value imports, re-exports, literal dynamic imports. */
  loads: string[];
  /** Local names bound by value imports. */
  imports: Map<string, Binding>;
  /** `export { local as exported }` without `from`: exported → local. */
  localExports: Map<string, string>;
  /** `export { imported as exported } from spec` and `export * as exported from spec` (imported `*`). */
  reexports: Map<string, Binding>;
  /** `export * from spec`. */
  starExports: string[];
  constructions: Construction[];
  /** Every other value use of an imported name, to catch a command class passed around. */
  references: Construction[];
  /** Lines of `import(<not a string literal>)`. */
  computedImports: number[];
}

const isCommandName = (name: string) => /^[A-Za-z_$][\w$]*Command$/.test(name) && name !== 'Command';
/** Paginators, waiters and the aggregated client (`new SNS().publish()`) send commands out of sight. */
const sendsUnseen = ({ pkg, name }: { pkg: string; name: string }) =>
  /^(paginate|waitFor|waitUntil)[A-Z]/.test(name) || name === SDK_SERVICES[pkg];
const isRelative = (spec: string) => spec.startsWith('.') || spec.startsWith('/');

function stringLiteral(node: ts.Node | undefined): string | undefined {
  return node && ts.isStringLiteralLike(node) ? node.text : undefined;
}

function parseModule(file: string): Module {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const module: Module = {
    file,
    loads: [],
    imports: new Map(),
    localExports: new Map(),
    reexports: new Map(),
    starExports: [],
    constructions: [],
    references: [],
    computedImports: [],
  };

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const spec = stringLiteral(statement.moduleSpecifier);
      const clause = statement.importClause;
      // `import type` is erased. `import { type X }` is not: verbatimModuleSyntax keeps it as a load.
      if (!spec || clause?.isTypeOnly) continue;
      module.loads.push(spec);
      if (clause?.name) module.imports.set(clause.name.text, { spec, imported: 'default' });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        module.imports.set(bindings.name.text, { spec, imported: '*' });
      } else if (bindings) {
        for (const element of bindings.elements) {
          if (element.isTypeOnly) continue;
          const imported = (element.propertyName ?? element.name).text;
          module.imports.set(element.name.text, { spec, imported });
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      const spec = stringLiteral(statement.moduleSpecifier);
      const clause = statement.exportClause;
      if (spec) module.loads.push(spec);
      if (!clause) {
        if (spec) module.starExports.push(spec);
      } else if (ts.isNamespaceExport(clause)) {
        if (spec) module.reexports.set(clause.name.text, { spec, imported: '*' });
      } else {
        for (const element of clause.elements) {
          if (element.isTypeOnly) continue;
          const inner = (element.propertyName ?? element.name).text;
          if (spec) module.reexports.set(element.name.text, { spec, imported: inner });
          else module.localExports.set(element.name.text, inner);
        }
      }
    }
  }

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const spec = stringLiteral(node.arguments[0]);
      if (spec) module.loads.push(spec);
      else module.computedImports.push(line(node));
    }
    if (ts.isNewExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee)) {
        module.constructions.push({ callee: callee.text, line: line(node) });
      } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
        module.constructions.push({
          callee: callee.expression.text,
          member: callee.name.text,
          line: line(node),
        });
      }
    }
    if (ts.isIdentifier(node) && module.imports.has(node.text) && isValueReference(node)) {
      const reference = referenceOf(node, line(node));
      if (reference) module.references.push(reference);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return module;
}

/** A use of an imported name other than as a `new` callee (`new X(`, `new ns.X(`), or undefined. */
function referenceOf(node: ts.Identifier, line: number): Construction | undefined {
  const parent = node.parent;
  if (ts.isNewExpression(parent) && parent.expression === node) return undefined;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    const constructed = ts.isNewExpression(parent.parent) && parent.parent.expression === parent;
    return constructed ? undefined : { callee: node.text, member: parent.name.text, line };
  }
  return { callee: node.text, line };
}

/** False for an identifier that declares or names something rather than reading a binding's value. */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) || ts.isTypeQueryNode(parent) || ts.isTypeReferenceNode(parent))
    return false;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) && parent.name === node)
    return false;
  if (ts.isPropertySignature(parent)) return false;
  if (ts.isPropertyDeclaration(parent)) return parent.initializer === node;
  for (let up: ts.Node | undefined = parent; up; up = up.parent) {
    if (ts.isTypeNode(up) && !ts.isExpressionWithTypeArguments(up)) return false;
  }
  return true;
}

export interface AnalyzerOptions {
  /** Where the SDK packages are installed, to list what an `export * from '@aws-sdk/client-…'` exports. */
  nodeModules?: string;
}

/**
 * Returns a function from an entry file (relative to `root`) to what it reaches. Modules are parsed
 * once per analyzer, so analysing every handler costs little more than analysing one.
 */
export function analyzer(root: string, options: AnalyzerOptions = {}): (entry: string) => Reach {
  const nodeModules = options.nodeModules ?? join(root, 'node_modules');
  const modules = new Map<string, Module>();
  const sdkCommands = new Map<string, Set<string>>();
  const display = (file: string) => relative(root, file).split(sep).join('/');

  const moduleOf = (file: string) => {
    let module = modules.get(file);
    if (!module) {
      module = parseModule(file);
      modules.set(file, module);
    }
    return module;
  };

  /** The file a relative specifier names; `.js` specifiers may stand for `.ts` sources. */
  const resolveFile = (from: string, spec: string): string => {
    const base = resolve(dirname(from), spec);
    const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
    const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (!found) throw new Error(`${display(from)} imports '${spec}', which resolves to no file`);
    return found;
  };

  /** The SDK package a bare specifier names, or undefined for any other package. */
  const sdkPackage = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('@aws-sdk/client-')) return undefined;
    if (!SDK_SERVICES[spec]) {
      throw new Error(
        `${display(from)} imports ${spec}, an SDK client the analysis does not know: ` +
          'add it to SDK_SERVICES in test/iam/reachable.ts with its client class name',
      );
    }
    return spec;
  };

  const commandsOf = (pkg: string): Set<string> => {
    let commands = sdkCommands.get(pkg);
    if (!commands) {
      const dir = join(nodeModules, pkg, 'dist-types', 'commands');
      commands = new Set(
        readdirSync(dir)
          .filter((name) => name.endsWith('Command.d.ts'))
          .map((name) => name.slice(0, -'.d.ts'.length)),
      );
      sdkCommands.set(pkg, commands);
    }
    return commands;
  };

  const originOfSpec = (from: string, binding: Binding, seen: Set<string>): Origin | undefined => {
    if (isRelative(binding.spec)) {
      const file = resolveFile(from, binding.spec);
      if (binding.imported === '*') return { kind: 'module-namespace', file };
      return exported(file, binding.imported, seen);
    }
    const pkg = sdkPackage(from, binding.spec);
    if (!pkg) return undefined;
    return binding.imported === '*'
      ? { kind: 'sdk-namespace', pkg }
      : { kind: 'sdk', pkg, name: binding.imported };
  };

  /** Where `name`, as `file` exports it, comes from, following re-exports through any number of files. */
  const exported = (file: string, name: string, seen: Set<string>): Origin | undefined => {
    const key = `${file}#${name}`;
    if (seen.has(key) || !file.endsWith('.ts')) return undefined;
    seen.add(key);
    const module = moduleOf(file);
    const local = module.localExports.get(name);
    const imported = local === undefined ? undefined : module.imports.get(local);
    if (imported) return originOfSpec(file, imported, seen);
    const reexport = module.reexports.get(name);
    if (reexport) return originOfSpec(file, reexport, seen);
    for (const spec of module.starExports) {
      if (isRelative(spec)) {
        const origin = exported(resolveFile(file, spec), name, seen);
        if (origin) return origin;
        continue;
      }
      const pkg = sdkPackage(file, spec);
      if (pkg && commandsOf(pkg).has(name)) return { kind: 'sdk', pkg, name };
    }
    return undefined;
  };

  /** The SDK export that `callee` (or `callee.member`) names in `module`, if it is one. */
  const sdkExport = (module: Module, use: Construction): { pkg: string; name: string } | undefined => {
    const binding = module.imports.get(use.callee);
    const origin = binding && originOfSpec(module.file, binding, new Set());
    if (!origin) return undefined;
    if (use.member === undefined) return origin.kind === 'sdk' ? origin : undefined;
    if (origin.kind === 'sdk-namespace') return { pkg: origin.pkg, name: use.member };
    if (origin.kind === 'module-namespace') {
      const inner = exported(origin.file, use.member, new Set());
      return inner?.kind === 'sdk' ? inner : undefined;
    }
    return undefined;
  };

  const where = (module: Module, use: Construction) =>
    `${display(module.file)}:${use.line} (${use.member ? `${use.callee}.${use.member}` : use.callee})`;

  const commandsIn = (module: Module): string[] => {
    for (const use of [...module.constructions, ...module.references]) {
      const origin = sdkExport(module, use);
      if (origin && sendsUnseen(origin)) {
        throw new Error(
          `${where(module, use)} uses ${origin.name} from ${origin.pkg}, which sends commands without a ` +
            '`new …Command(` the analysis can see: send each command through a client instead',
        );
      }
    }
    const commands: string[] = [];
    for (const use of module.constructions) {
      const origin = sdkExport(module, use);
      if (origin && isCommandName(origin.name)) {
        commands.push(`${SDK_SERVICES[origin.pkg]}:${origin.name.replace(/Command$/, '')}`);
      } else if (!origin && isCommandName(use.member ?? use.callee)) {
        throw new Error(
          `${where(module, use)} constructs a command the analysis cannot trace to an @aws-sdk/client-* ` +
            'import: import the command class from its SDK package (or a module re-exporting it)',
        );
      }
    }
    for (const use of module.references) {
      const origin = sdkExport(module, use);
      if (origin && isCommandName(origin.name)) {
        throw new Error(
          `${where(module, use)} uses an SDK command class other than as \`new ${origin.name}(…)\`: ` +
            'the analysis cannot tell where it is sent, so construct commands directly',
        );
      }
    }
    if (module.computedImports.length > 0) {
      throw new Error(
        `${display(module.file)}:${module.computedImports.join(',')} imports a computed path: ` +
          'the analysis cannot tell what that loads into the bundle',
      );
    }
    return commands;
  };

  return (entry) => {
    const start = resolve(root, entry);
    const files = new Set<string>([start]);
    const commands = new Set<string>();
    for (const file of files) {
      if (!file.endsWith('.ts')) continue;
      const module = moduleOf(file);
      for (const command of commandsIn(module)) commands.add(command);
      for (const spec of module.loads) {
        if (isRelative(spec)) files.add(resolveFile(file, spec));
        else sdkPackage(file, spec);
      }
    }
    return { files: [...files].map(display).sort(), commands: [...commands].sort() };
  };
}
