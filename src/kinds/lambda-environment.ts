import type { Kind } from './kind.ts';

export interface FunctionRef {
  functionName: string;
  /** The alias callers invoke the function through: the cutover publishes a version and moves it. */
  alias?: string;
}

export interface EnvironmentState {
  /** The variables of $LATEST, which UpdateFunctionConfiguration changes. */
  variables: Record<string, string>;
  /**
   * What the alias serves: the version it points at and that version's variables. A version is
   * published once, so the new environment reaches the alias's callers only with a new version.
   */
  alias?: { version: string; variables: Record<string, string> };
}

export const lambdaEnvironment: Kind<'lambda-environment', FunctionRef, EnvironmentState> = {
  restoredBy: { service: 'Lambda', command: 'UpdateFunctionConfiguration' },
  commands: {
    read: ['Lambda:GetFunctionConfiguration'],
    write: ['Lambda:UpdateAlias', 'Lambda:UpdateFunctionConfiguration'],
  },
  binding: {
    ref: (b) => ({ functionName: b.functionName, ...(b.alias ? { alias: b.alias } : {}) }),
    check: (b) => `Lambda function ${b.functionName}`,
    approval: (b) => `Lambda ${b.functionName} environment`,
    switched: (current, b, to) => {
      const variables = {
        ...current.variables,
        ...Object.fromEntries(
          Object.entries({ ...b.variables, ...(to.keepOldPool ? b.graceVariables : {}) }).map(
            ([name, value]) => [name, to.fill(value)],
          ),
        ),
      };
      // The alias is to serve what $LATEST will hold: on a version published once the update is done.
      return current.alias ? { variables, alias: { ...current.alias, variables } } : { variables };
    },
    iam: (b) => ({
      function: [b.functionName],
      // A binding that names an alias: the function is published, the alias (a qualified ARN) moved and read.
      ...(b.alias ? { 'published-function': [b.functionName], alias: [`${b.functionName}:${b.alias}`] } : {}),
    }),
  },
};
