// Imported first by the runner: modules read these at load, so they must be set before any other import.

// A rehearsal's clients never reach AWS, so the SDK's notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The timeline is the rehearsal's log; the handlers' JSON logs are for CloudWatch.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Likewise the triggers' EMF metrics: CloudWatch reads them from Lambda's stdout; here they would mix into --json.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
