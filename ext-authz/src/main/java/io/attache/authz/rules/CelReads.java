package io.attache.authz.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import io.attache.authz.core.RequestReads;
import java.util.Map;
import java.util.Optional;

/**
 * What of {@code request} a checked CEL expression reads, found in its syntax tree: each use of the
 * variable {@code request} must select a field ({@code request.path}), and a use of {@code
 * request.headers} or {@code request.context_extensions} must select or index one entry by a
 * constant name ({@code request.headers['x-tenant']}, {@code has(request.headers.x)}). Anything
 * else (the map as a whole, an entry named at run time, {@code request} passed to a macro) reads
 * more than can be listed, and makes the rule {@link RequestReads#unkeyable}.
 */
final class CelReads {
  private static final Map<String, RequestReads.Field> FIELDS =
      Map.of(
          "method", RequestReads.Field.METHOD,
          "host", RequestReads.Field.HOST,
          "path", RequestReads.Field.PATH,
          "query", RequestReads.Field.QUERY,
          "scheme", RequestReads.Field.SCHEME,
          "source_address", RequestReads.Field.SOURCE_ADDRESS,
          "source_principal", RequestReads.Field.SOURCE_PRINCIPAL);

  private CelReads() {}

  static RequestReads of(String rule, CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .filter(CelReads::isRequest)
        .map(node -> read(rule, node))
        .reduce(RequestReads.NOTHING, RequestReads::plus);
  }

  private static boolean isRequest(CelNavigableExpr node) {
    return node.expr().getKind() == CelExpr.ExprKind.Kind.IDENT
        && node.expr().ident().name().equals(RuleContext.REQUEST);
  }

  /** What one use of {@code request} reads. */
  private static RequestReads read(String rule, CelNavigableExpr request) {
    Optional<String> field = selected(request);
    if (field.isEmpty()) {
      return whole(rule, "request");
    }
    RequestReads.Field scalar = FIELDS.get(field.get());
    if (scalar != null) {
      return RequestReads.fields(scalar);
    }
    CelNavigableExpr map = request.parent().orElseThrow();
    Optional<String> entry = selected(map).or(() -> indexed(map));
    if (entry.isEmpty()) {
      return whole(rule, "request." + field.get());
    }
    return switch (field.get()) {
      case "headers" -> RequestReads.header(entry.get());
      case "context_extensions" ->
          new RequestReads(
              java.util.Set.of(),
              java.util.Set.of(),
              java.util.Set.of(entry.get()),
              java.util.List.of());
      default -> whole(rule, "request." + field.get());
    };
  }

  /** The field {@code node}'s parent selects from it, if that is what the parent does. */
  private static Optional<String> selected(CelNavigableExpr node) {
    return node.parent()
        .map(CelNavigableExpr::expr)
        .filter(parent -> parent.getKind() == CelExpr.ExprKind.Kind.SELECT)
        .filter(parent -> parent.select().operand().id() == node.expr().id())
        .map(parent -> parent.select().field());
  }

  /** The constant string {@code node}'s parent indexes it by ({@code node['name']}), if any. */
  private static Optional<String> indexed(CelNavigableExpr node) {
    return node.parent()
        .map(CelNavigableExpr::expr)
        .filter(parent -> parent.getKind() == CelExpr.ExprKind.Kind.CALL)
        .filter(parent -> parent.call().function().equals("_[_]"))
        .filter(parent -> parent.call().args().size() == 2)
        .filter(parent -> parent.call().args().get(0).id() == node.expr().id())
        .map(parent -> parent.call().args().get(1))
        .filter(key -> key.getKind() == CelExpr.ExprKind.Kind.CONSTANT)
        .filter(key -> key.constant().getKind() == CelConstant.Kind.STRING_VALUE)
        .map(key -> key.constant().stringValue().toLowerCase(java.util.Locale.ROOT));
  }

  private static RequestReads whole(String rule, String what) {
    return RequestReads.unkeyable(
        "rule '"
            + rule
            + "' reads "
            + what
            + " as a whole; name what it needs (request.path, request.headers['x-tenant'])");
  }
}
