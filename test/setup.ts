import 'aws-sdk-client-mock-vitest/extend';
import '../src/local/polyfill.ts';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
