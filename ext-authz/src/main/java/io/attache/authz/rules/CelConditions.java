package io.attache.authz.rules;

import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Identity;
import io.attache.authz.core.RequestReads;
import io.attache.authz.policy.PolicyParser;
import io.attache.authz.policy.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rules' {@code when} expressions in CEL, compiled when the policy loads. An evaluation error (a
 * missing claim, a type mismatch) is logged with the rule's name and denies; it never allows.
 */
public final class CelConditions implements PolicyParser.ConditionCompiler {
  private static final Logger log = LoggerFactory.getLogger(CelConditions.class);

  @Override
  public Rule.Condition compile(String ruleName, String expression) {
    CelRule rule;
    try {
      rule = CelRule.compile(ruleName, expression);
    } catch (RuleCompileException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new Rule.Condition() {
      @Override
      public Rule.Outcome test(CheckInput input, Identity identity) {
        RuleOutcome outcome = rule.evaluate(new RuleContext(input, identity));
        return switch (outcome.kind()) {
          case MATCH -> Rule.Outcome.MATCH;
          case NO_MATCH -> Rule.Outcome.NO_MATCH;
          case ERROR -> {
            log.debug("{}", outcome.error().orElse("rule error"));
            yield Rule.Outcome.ERROR;
          }
        };
      }

      @Override
      public RequestReads reads() {
        return rule.reads();
      }
    };
  }
}
