/** The bar on every page: the product's name, the signed-in pages and sign-out, or sign-in. */
export function SiteHeader({ signedIn }: { readonly signedIn: boolean }) {
  return (
    <header className="site-header">
      <a className="brand" href="/">
        Threads Analytics
      </a>
      <nav aria-label="Main">
        <ul>
          {signedIn ? (
            <>
              <li>
                <a href="/dashboard">Dashboard</a>
              </li>
              <li>
                <a href="/flagged">Flagged replies</a>
              </li>
              <li>
                <a href="/account">Account</a>
              </li>
              <li>
                <form method="post" action="/auth/sign-out">
                  <button type="submit" className="link-button">
                    Sign out
                  </button>
                </form>
              </li>
            </>
          ) : (
            <li>
              <a href="/signin">Sign in</a>
            </li>
          )}
        </ul>
      </nav>
    </header>
  );
}
