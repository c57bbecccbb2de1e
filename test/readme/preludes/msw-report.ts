// What the msw README's report fragment assumes: a report of `runExperiment()`.
declare const report: import('@breakwater/msw').ExperimentReport;
