import { TokensPage } from "@/components/settings/tokens-page";

export const metadata = { title: "API tokens" };

export default function Page() {
  return <TokensPage />;
}
