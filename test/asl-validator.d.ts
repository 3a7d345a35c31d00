declare module 'asl-validator' {
  export default function aslValidator(
    definition: unknown,
    options?: { checkArn?: boolean; checkPaths?: boolean },
  ): { isValid: boolean; errors: { message: string }[]; errorsText: (separator?: string) => string };
}
