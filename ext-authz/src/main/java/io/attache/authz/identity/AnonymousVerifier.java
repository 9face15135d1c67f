package io.attache.authz.identity;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.IdentityResult;
import io.attache.authz.core.IdentityVerifier;
import io.attache.authz.core.RequestReads;

/** An explicit {@code anonymous} entry: lets callers without credentials through as "anonymous". */
public final class AnonymousVerifier implements IdentityVerifier {
  private static final IdentityResult ANONYMOUS =
      new IdentityResult.Authenticated(Identity.anonymous());

  @Override
  public RequestReads reads() {
    return RequestReads.NOTHING;
  }

  @Override
  public IdentityResult verify(CheckInput input) {
    return ANONYMOUS;
  }
}
