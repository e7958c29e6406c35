/**
 * Values LocalStack's tests computed while they ran and the recordings kept as `<STUB:…>` in a
 * definition: those a runner can give without creating anything (resources it creates, such as
 * activities, it substitutes itself).
 */
export interface StubValues {
  readonly region: string;
  readonly accountId: string;
}

/** The definition with the known stubs replaced (in every string, as JSON text). */
export function resolveStubs(definition: unknown, v: StubValues): unknown {
  const text = JSON.stringify(definition);
  if (text === undefined || !text.includes('<STUB:')) return definition;
  const replaced = text
    // local_mocking/test_base_scenarios.py::test_lambda_invoke: the Resource's region.
    .replaceAll('<STUB:localstack.testing.config.TEST_AWS_REGION_NAME>', v.region)
    // local_mocking/test_base_scenarios.py::test_numbered_mock_responses_multiple_success_invocations.
    .replaceAll(
      '<STUB:localstack.utils.aws.arns.lambda_function_arn()>',
      `arn:aws:lambda:${v.region}:${v.accountId}:function:lambda_function`,
    );
  return JSON.parse(replaced) as unknown;
}
