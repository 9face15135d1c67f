package io.attache.authz.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.attache.authz.core.RequestReads;
import java.util.Objects;

/**
 * One named authorization rule: a CEL expression over the variables {@code request} and {@code
 * identity} (described in {@link RuleContext}) that must evaluate to {@code bool}.
 *
 * <p>The expression is parsed and type-checked once, by {@link #compile}, when the policy is
 * loaded; a syntax error, an unknown variable or function, or a result type other than {@code bool}
 * is a {@link RuleCompileException} then, not a surprise on the request path. Both variables are
 * declared as {@code map(string, dyn)}, so field names and value types below them are checked only
 * at evaluation time.
 *
 * <p>A compiled rule is immutable and safe to evaluate from any number of threads at once. {@link
 * #evaluate} never throws: a missing map key, a type mismatch found at run time or a non-{@code
 * bool} result is a {@link RuleOutcome.Kind#ERROR} outcome carrying the reason. It never logs
 * either; the caller, which decides what an error means (deny), logs it once.
 *
 * <p>Besides the standard CEL functions and macros ({@code has}, {@code all}, {@code exists},
 * {@code exists_one}, {@code map}, {@code filter}), numbers of different kinds compare as numbers
 * ({@code identity.claims.level > 2.5} works when the claim is the integer {@code 3}).
 */
public final class CelRule {

  /**
   * Comprehension steps ({@code exists}, {@code all}, {@code map}, {@code filter}) one evaluation
   * may take: nested macros over literal lists otherwise multiply into seconds of CPU per request
   * (fuzzing found a rule that ran 42 s). Past it the rule is an error, so the request is denied.
   */
  public static final int MAX_ITERATIONS = 10_000;

  private static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .build();

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar(RuleContext.REQUEST, MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar(RuleContext.IDENTITY, MapType.create(SimpleType.STRING, SimpleType.DYN))
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private final String name;
  private final String expression;
  private final CelRuntime.Program program;
  private final RequestReads reads;

  private CelRule(String name, String expression, CelRuntime.Program program, RequestReads reads) {
    this.name = name;
    this.expression = expression;
    this.program = program;
    this.reads = reads;
  }

  /** What of {@code request} the expression reads ({@link CelReads}). */
  public RequestReads reads() {
    return reads;
  }

  /**
   * Parses and type-checks {@code expression} and plans it for evaluation.
   *
   * @param name the rule's name in the policy, used in error messages
   * @throws RuleCompileException if the expression is not a valid CEL expression of type {@code
   *     bool} over {@code request} and {@code identity}
   */
  public static CelRule compile(String name, String expression) throws RuleCompileException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expression, "expression");
    CelAbstractSyntaxTree ast;
    try {
      CelValidationResult result = COMPILER.compile(expression, name);
      if (result.hasError()) {
        throw new RuleCompileException(name, expression, result.getErrorString());
      }
      ast = result.getAst();
    } catch (CelValidationException e) {
      throw new RuleCompileException(name, expression, e.getMessage());
    }
    try {
      return new CelRule(name, expression, RUNTIME.createProgram(ast), CelReads.of(name, ast));
    } catch (CelEvaluationException e) {
      throw new RuleCompileException(name, expression, e.getMessage());
    }
  }

  public String name() {
    return name;
  }

  public String expression() {
    return expression;
  }

  /** Evaluates the rule against one request. Never throws for a non-null context. */
  public RuleOutcome evaluate(RuleContext context) {
    Objects.requireNonNull(context, "context");
    Object result;
    try {
      // A resolver, not the map: CEL copies a map argument into a new ImmutableMap on every call.
      result = program.eval(context::find);
    } catch (CelEvaluationException e) {
      return failed(e.getMessage());
    } catch (RuntimeException e) {
      // CEL reports errors as CelEvaluationException; anything else is a bug in CEL or in the
      // values handed to it, and must still not escape to the request path.
      return failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (result instanceof Boolean matched) {
      return matched ? RuleOutcome.MATCH : RuleOutcome.NO_MATCH;
    }
    // The checker accepts a dyn result (e.g. request.headers['x-admin']); the value decides.
    return failed(
        "result is "
            + (result == null ? "null" : result.getClass().getSimpleName())
            + ", not bool");
  }

  /**
   * True only when the rule evaluates to {@code true}; an evaluation error counts as no match. Use
   * {@link #evaluate} where the reason for an error must be reported.
   */
  public boolean matches(RuleContext context) {
    return evaluate(context).matched();
  }

  private RuleOutcome failed(String message) {
    return RuleOutcome.error("rule '" + name + "': " + message);
  }

  @Override
  public String toString() {
    return "CelRule[" + name + ": " + expression + "]";
  }
}
