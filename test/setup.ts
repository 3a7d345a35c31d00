import 'aws-sdk-client-mock-vitest/extend';
import '../src/local/environment.ts';
import '../src/local/polyfill.ts';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Set, not defaulted: a file that asserts EMF records turns metrics on, and the next file must not print them.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// A client a test forgot to mock must fail at once: never look for instance credentials or reach AWS.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'test-only-no-aws-account';
process.env.AWS_SECRET_ACCESS_KEY = 'test-only-no-aws-account';
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
