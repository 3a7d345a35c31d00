import 'aws-sdk-client-mock-vitest/extend';
import '../src/local/polyfill.ts';
