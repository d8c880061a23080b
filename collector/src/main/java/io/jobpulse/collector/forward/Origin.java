package io.jobpulse.collector.forward;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;

/** Who emitted a span: the process's resource and the instrumentation scope. */
record Origin(Resource resource, InstrumentationScopeInfo scope) {}
