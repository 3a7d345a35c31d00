import {
  type DeleteParameterCommandInput,
  type DeleteParameterCommandOutput,
  type GetParameterCommandInput,
  type GetParameterCommandOutput,
  type GetParameterHistoryCommandInput,
  type GetParameterHistoryCommandOutput,
  type GetParametersCommandInput,
  type GetParametersCommandOutput,
  type Parameter as OutParameter,
  ParameterAlreadyExists,
  ParameterNotFound,
  ParameterVersionNotFound,
  type PutParameterCommandInput,
  type PutParameterCommandOutput,
  SSMServiceException,
  ValidationException,
} from '@aws-sdk/client-ssm';
import { type Env, fail, type Out, type ServiceModel } from '../core.ts';
import type { Parameter, ParameterVersion, World } from '../world.ts';
import { automationCommands, settleAutomations } from './automation.ts';

/**
 * Parameter Store keeps each parameter's versions (the last 100) and returns any of them by
 * `name:version` or GetParameterHistory. PutParameter over a SecureString without KeyId encrypts
 * the new version with the account's default key, alias/aws/ssm, whatever key the parameter had
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-versions.html).
 */
const DEFAULT_KEY = 'alias/aws/ssm';
const KEPT_VERSIONS = 100;

/** Parameters may be named by name or by ARN. */
const nameOf = (name: string | undefined) =>
  (name ?? '').replace(/^arn:aws[\w-]*:ssm:[^:]*:\d*:parameter(?=\/)/, '');

/** A parameter's current version, without its name and history. */
function versionOf({ name: _name, history: _history, ...version }: Parameter): ParameterVersion {
  return version;
}

/** `name` or `name:version`, the selector GetParameter takes. */
function selector(name: string | undefined): { name: string; version?: number } {
  const match = /^(.*):(\d+)$/.exec(nameOf(name));
  return match ? { name: match[1] ?? '', version: Number(match[2]) } : { name: nameOf(name) };
}

function parameterOut(
  world: World,
  p: Pick<Parameter, 'name'> & ParameterVersion,
  decrypt: boolean,
): OutParameter {
  // Without decryption a SecureString comes back as ciphertext, not as its value.
  const value =
    p.type === 'SecureString' && !decrypt ? Buffer.from(`kms:${p.value}`).toString('base64') : p.value;
  return {
    Name: p.name,
    Type: p.type,
    Value: value,
    Version: p.version,
    LastModifiedDate: new Date(p.lastModified),
    ARN: `arn:aws:ssm:${world.region}:${world.accountId}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
    DataType: 'text',
  };
}

function GetParameter(input: GetParameterCommandInput, { world }: Env): Out<GetParameterCommandOutput> {
  const { name, version } = selector(input.Name);
  const p = world.parameters.get(name) ?? fail(ParameterNotFound, '');
  const found =
    version === undefined || version === p.version ? p : p.history.find((v) => v.version === version);
  if (!found) fail(ParameterVersionNotFound, `Version ${version} of parameter ${name} doesn't exist.`);
  return { Parameter: parameterOut(world, { ...found, name }, input.WithDecryption ?? false) };
}

function GetParameterHistory(
  input: GetParameterHistoryCommandInput,
  { world }: Env,
): Out<GetParameterHistoryCommandOutput> {
  const name = nameOf(input.Name);
  const p = world.parameters.get(name) ?? fail(ParameterNotFound, '');
  const all = [...p.history, p];
  const start = Number(input.NextToken ?? 0);
  const size = Math.min(input.MaxResults ?? 50, 50);
  const page = all.slice(start, start + size);
  const decrypt = input.WithDecryption ?? false;
  return {
    Parameters: page.map((v) => ({
      ...parameterOut(world, { ...v, name }, decrypt),
      ...(v.keyId ? { KeyId: v.keyId } : {}),
    })),
    ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
  };
}

function GetParameters(input: GetParametersCommandInput, { world }: Env): Out<GetParametersCommandOutput> {
  const names = input.Names ?? [];
  return {
    Parameters: names.flatMap((n) => {
      const p = world.parameters.get(nameOf(n));
      return p ? [parameterOut(world, p, input.WithDecryption ?? false)] : [];
    }),
    InvalidParameters: names.filter((n) => !world.parameters.has(nameOf(n))),
  };
}

function PutParameter(input: PutParameterCommandInput, { world, now }: Env): Out<PutParameterCommandOutput> {
  const name = nameOf(input.Name);
  if (!input.Value) {
    fail(
      ValidationException,
      "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  const existing = world.parameters.get(name);
  if (existing && !input.Overwrite) {
    fail(
      ParameterAlreadyExists,
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  }
  const version = (existing?.version ?? 0) + 1;
  const type = input.Type ?? existing?.type ?? 'String';
  // The version it replaces joins the history; the current one and the history keep KEPT_VERSIONS.
  const history = existing ? [...existing.history, versionOf(existing)].slice(-(KEPT_VERSIONS - 1)) : [];
  world.parameters.set(name, {
    name,
    value: input.Value,
    type,
    version,
    ...(type === 'SecureString' ? { keyId: input.KeyId ?? DEFAULT_KEY } : {}),
    lastModified: now,
    history,
  });
  return { Version: version, Tier: 'Standard' };
}

function DeleteParameter(
  input: DeleteParameterCommandInput,
  { world }: Env,
): Out<DeleteParameterCommandOutput> {
  if (!world.parameters.delete(nameOf(input.Name))) fail(ParameterNotFound, '');
  return {};
}

export const ssm: ServiceModel = {
  exception: SSMServiceException,
  commands: {
    GetParameter,
    GetParameters,
    GetParameterHistory,
    PutParameter,
    DeleteParameter,
    ...automationCommands,
  },
  settle: settleAutomations,
};
