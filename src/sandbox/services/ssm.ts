import {
  type DeleteParameterCommandInput,
  type DeleteParameterCommandOutput,
  type GetParameterCommandInput,
  type GetParameterCommandOutput,
  type GetParametersCommandInput,
  type GetParametersCommandOutput,
  type Parameter as OutParameter,
  ParameterAlreadyExists,
  ParameterNotFound,
  type PutParameterCommandInput,
  type PutParameterCommandOutput,
  SSMServiceException,
  ValidationException,
} from '@aws-sdk/client-ssm';
import { type Env, fail, type Out, type ServiceModel } from '../core.ts';
import type { Parameter, World } from '../world.ts';

/** Parameters may be named by name or by ARN. */
const nameOf = (name: string | undefined) =>
  (name ?? '').replace(/^arn:aws[\w-]*:ssm:[^:]*:\d*:parameter(?=\/)/, '');

function parameterOut(world: World, p: Parameter, decrypt: boolean): OutParameter {
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
  const p = world.parameters.get(nameOf(input.Name)) ?? fail(ParameterNotFound, '');
  return { Parameter: parameterOut(world, p, input.WithDecryption ?? false) };
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
  world.parameters.set(name, {
    name,
    value: input.Value,
    type: input.Type ?? existing?.type ?? 'String',
    version,
    lastModified: now,
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
  commands: { GetParameter, GetParameters, PutParameter, DeleteParameter },
};
