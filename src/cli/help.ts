export const REGION = 'AWS region of the stack (default: AWS_REGION, then AWS_DEFAULT_REGION)';
export const ARN_EXAMPLE =
  'arn:aws:states:eu-west-2:123456789012:execution:cognito-cutover-prod-cutover:NAME';

/** Words to lines of at most `width` characters, as commander wraps descriptions. */
function wrap(text: string, width = 80): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 1 <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

export function help(exitCodes: string, ...examples: string[]): string {
  return `\n${wrap(`Exit codes: ${exitCodes}`)}\n\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}
