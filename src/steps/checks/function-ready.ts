import { type AliasConfiguration, ListAliasesCommand } from '@aws-sdk/client-lambda';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import type { Binding } from '../../plan/schema.ts';
import { functionConfiguration, variablesOf } from '../../resources/reads/lambda-environment.ts';

type FunctionBinding = Extract<Binding, { kind: 'lambda-environment' }>;

/** Every alias of the function, page by page. */
async function aliasesOf(region: string, functionName: string): Promise<AliasConfiguration[]> {
  const aliases: AliasConfiguration[] = [];
  let marker: string | undefined;
  do {
    const out = await named(
      `listing the aliases of Lambda function ${functionName}`,
      aws.lambda(region).send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker })),
    );
    aliases.push(...(out.Aliases ?? []));
    marker = out.NextMarker;
  } while (marker);
  return aliases;
}

/**
 * Whether switching this binding reaches the function's callers. A version keeps the configuration
 * it was published with, so a caller that invokes an alias of a version sees no change to $LATEST
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html). The binding may name
 * that alias: the cutover then publishes $LATEST, as it is once switched, and moves the alias to it,
 * which is safe only when $LATEST is otherwise what the alias serves.
 */
export async function functionReady(region: string, binding: FunctionBinding): Promise<string> {
  const { functionName, alias } = binding;
  const [latest, aliases] = await Promise.all([
    functionConfiguration(region, functionName),
    aliasesOf(region, functionName),
  ]);
  variablesOf(latest, functionName);
  const pinned = aliases.filter((a) => a.FunctionVersion !== '$LATEST');
  if (!alias) {
    if (pinned.length === 0) return 'readable; no alias serves an older version';
    const list = pinned.map((a) => `alias ${a.Name} (version ${a.FunctionVersion})`).join(', ');
    return `readable; warning: ${list} keeps the old environment, so its callers would stay on the old pool: if they invoke the function through it, add "alias": "${pinned[0]?.Name}" to this binding`;
  }
  const found = aliases.find((a) => a.Name === alias);
  if (!found) {
    const names = aliases.map((a) => a.Name).join(', ') || 'none';
    throw new PreflightFailed([
      `has no alias ${alias} (its aliases: ${names}): correct the binding's alias, or create the alias`,
    ]);
  }
  const weights = Object.entries<number>(found.RoutingConfig?.AdditionalVersionWeights ?? {});
  if (weights.length > 0) {
    const split = weights.map(([version, weight]) => `${Math.round(weight * 100)}% to version ${version}`);
    throw new PreflightFailed([
      `alias ${alias} sends ${split.join(', ')}, which would keep the old pool: finish or clear its weighted routing before the cutover`,
    ]);
  }
  if (found.FunctionVersion === '$LATEST') {
    return `alias ${alias} follows $LATEST: it serves the new environment once the update has finished`;
  }
  const version = found.FunctionVersion ?? '$LATEST';
  const served = await functionConfiguration(region, functionName, alias);
  // Publishing $LATEST releases all of it: anything but the binding's own variables must match.
  const problems: string[] = [];
  if (served.CodeSha256 !== latest.CodeSha256) {
    problems.push(
      `$LATEST runs other code than version ${version}, which alias ${alias} serves: publishing it would release that code too; publish and move the alias first, or deploy version ${version}'s code to $LATEST`,
    );
  }
  const mine = new Set(Object.keys(binding.variables));
  const [now, then] = [variablesOf(latest, functionName), variablesOf(served, `${functionName}:${alias}`)];
  const others = [...new Set([...Object.keys(now), ...Object.keys(then)])].filter(
    (name) => !mine.has(name) && now[name] !== then[name],
  );
  if (others.length > 0) {
    problems.push(
      `$LATEST's ${others.join(', ')} differ from version ${version}, which alias ${alias} serves: publishing would change them too; make $LATEST match version ${version}, or publish and move the alias first`,
    );
  }
  if (problems.length > 0) throw new PreflightFailed(problems);
  return `alias ${alias} serves version ${version}; once the update has finished the cutover publishes a version and moves ${alias} to it`;
}
