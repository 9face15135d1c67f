package io.attache.authz.identity.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * htpasswd files as Apache's own tool writes them: each line below was made by {@code htpasswd -nb}
 * (Apache 2.4, Debian's apache2-utils) for password {@code correct horse}, with {@code -B -C 10}
 * (bcrypt), {@code -m} (apr1), {@code -s} ({SHA}), {@code -2} ($5$) and {@code -5} ($6$).
 */
public class HtpasswdTest {
  public static final String BCRYPT =
      "$2y$10$LzivyrHHUBkUbOz0l/N3JOioO8mGEKqoNdBf1Gc22Ib6cuSqOrmES";
  static final String APR1 = "$apr1$C7wYBCjN$4vaHiYLUzWlhCQj5F4tOe.";
  static final String SHA1 = "{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=";
  static final String SHA256_CRYPT =
      "$5$H/2Knjfcb/tEouna$c9x0V9cOK/vvnKVng1nbZlsK89a1U6Rh2cl.wJ4Q96C";
  static final String SHA512_CRYPT =
      "$6$5NxHltG94hxz03Oh$psg4/8xXiww.Hzocoo1vFqfZ0Zr2SNPBKkHDTruuKfOlfI6Dc1..gbpHwmCmf0X7fn8h9SDC7JBzsUNiz2SOF0";
  public static final String PASSWORD = "correct horse";

  @Test
  void everyFormatApachesToolWritesChecksItsPasswordWhenAllowed() {
    Set<HashScheme> legacy = EnumSet.allOf(HashScheme.class);
    for (String stored : List.of(BCRYPT, APR1, SHA1, SHA256_CRYPT, SHA512_CRYPT)) {
      PasswordHash hash = PasswordHash.parse(stored, legacy);

      assertThat(hash.matches(PASSWORD)).as(stored).isTrue();
      assertThat(hash.matches("correct horse ")).as(stored).isFalse();
      assertThat(hash.matches("")).as(stored).isFalse();
    }
  }

  @Test
  void onlyBcryptIsReadUnlessAPolicyAllowsAnotherFormatByName() {
    String file =
        "# users\n" + "alice:" + BCRYPT + "\n\n" + "bob:" + APR1 + "\n" + "carol:" + SHA1 + "\n";
    List<String> strict = new ArrayList<>();
    List<String> allowingApr1 = new ArrayList<>();

    Htpasswd.parse("users.htpasswd", file, Set.of(), strict);
    Htpasswd users =
        Htpasswd.parse(
            "users.htpasswd", file, EnumSet.of(HashScheme.APR1, HashScheme.SHA1), allowingApr1);

    assertThat(strict)
        .containsExactly(
            "users.htpasswd: line 4 (user bob): a apr1 hash, accepted only when allowLegacyHashes"
                + " names apr1 (re-hash with htpasswd -B for bcrypt)",
            "users.htpasswd: line 5 (user carol): a sha1 hash, accepted only when"
                + " allowLegacyHashes names sha1 (re-hash with htpasswd -B for bcrypt)");
    assertThat(allowingApr1).isEmpty();
    assertThat(users.users().keySet()).containsExactlyInAnyOrder("alice", "bob", "carol");
  }

  @Test
  void plainTextAndDesCryptAreNeverReadAndEachProblemNamesItsLineAndUser() {
    List<String> problems = new ArrayList<>();

    Htpasswd.parse(
        "Secret shop/users auth",
        "plain:correct horse\ndes:rOcAZ5lZNRxLs\nno-colon\nalice:"
            + BCRYPT
            + "\nalice:"
            + BCRYPT
            + "\nshort:$2y$10$abc",
        EnumSet.allOf(HashScheme.class),
        problems);

    assertThat(problems)
        .containsExactly(
            "Secret shop/users auth: line 1 (user plain): not a bcrypt ($2y$), apr1, {SHA}, $5$"
                + " or $6$ hash: plain-text and DES crypt passwords are never accepted",
            "Secret shop/users auth: line 2 (user des): not a bcrypt ($2y$), apr1, {SHA}, $5$ or"
                + " $6$ hash: plain-text and DES crypt passwords are never accepted",
            "Secret shop/users auth: line 3: not user:hash",
            "Secret shop/users auth: line 5 (user alice): the user is listed twice",
            "Secret shop/users auth: line 6 (user short): a bcrypt hash is $2y$, the cost, $ and"
                + " 53 characters of salt and hash");
    assertThat(String.join("\n", problems)).doesNotContain("correct horse");
  }
}
