import type { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import type { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { testConfig } from "@/tests/unit/sagemaker/helpers";

/**
 * Starts the SageMaker (with its Runtime, Application Auto Scaling and CloudWatch) and S3 stand-ins and gives the
 * configuration that points every real SDK client at them, with test credentials to sign with.
 */
export async function startStandIns(fake: FakeSageMaker, fakeS3: FakeS3) {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  const url = await fake.start();
  const s3Url = await fakeS3.start();
  fake.useS3(fakeS3);
  return testConfig({
    endpointUrl: url,
    runtimeEndpointUrl: url,
    autoScalingEndpointUrl: url,
    cloudWatchEndpointUrl: url,
    s3EndpointUrl: s3Url,
    pollMs: 2,
  });
}
