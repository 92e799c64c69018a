package dev.ccd.packaging;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a ValidatingAdmissionPolicy's CEL as the API server does for one request, with
 * cel-java: the match conditions (all true, or the policy does not apply), then the variables in
 * order (each may use the ones before), then every validation; a false validation or an evaluation
 * error (failurePolicy Fail) denies with its message. Objects are untyped maps, not the API
 * server's OpenAPI-typed values: what that leaves unproven is in docs/runbook.md.
 */
final class AdmissionPolicyEvaluation {

  /** The outcome for one request. */
  sealed interface Decision {}

  record NotMatched(String condition) implements Decision {}

  record Allowed() implements Decision {}

  record Denied(List<String> messages) implements Decision {}

  private final ValidatingAdmissionPolicy policy;
  private final Cel cel =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("request", SimpleType.DYN)
          .addVar("variables", SimpleType.DYN)
          .addCompilerLibraries(CelExtensions.strings())
          .addRuntimeLibraries(CelExtensions.strings())
          .build();

  AdmissionPolicyEvaluation(ValidatingAdmissionPolicy policy) {
    this.policy = policy;
  }

  Decision evaluate(Map<String, Object> request, Object object, Object oldObject) {
    Map<String, Object> variables = new HashMap<>();
    Map<String, Object> input = new HashMap<>();
    input.put("request", request);
    input.put("object", object);
    input.put("oldObject", oldObject);
    input.put("variables", variables);
    for (MatchCondition c : policy.getSpec().getMatchConditions()) {
      Object v;
      try {
        v = eval(c.getExpression(), input);
      } catch (CelEvaluationException e) {
        return new Denied(List.of("match condition " + c.getName() + ": " + e.getMessage()));
      }
      if (!Boolean.TRUE.equals(v)) {
        return new NotMatched(c.getName());
      }
    }
    List<String> denials = new ArrayList<>();
    for (Variable var : policy.getSpec().getVariables()) {
      try {
        variables.put(var.getName(), eval(var.getExpression(), input));
      } catch (CelEvaluationException e) {
        // Lazily evaluated by the API server: an error surfaces in the validation that uses it.
        denials.add("variable " + var.getName() + ": " + e.getMessage());
      }
    }
    for (Validation v : policy.getSpec().getValidations()) {
      try {
        if (!Boolean.TRUE.equals(eval(v.getExpression(), input))) {
          denials.add(
              v.getMessageExpression() != null
                  ? String.valueOf(eval(v.getMessageExpression(), input))
                  : v.getMessage());
        }
      } catch (CelEvaluationException e) {
        denials.add("validation error: " + e.getMessage());
      }
    }
    return denials.isEmpty() ? new Allowed() : new Denied(denials);
  }

  /** Every expression of the policy compiles (type-checks against dynamic inputs). */
  List<String> expressions() {
    List<String> all = new ArrayList<>();
    policy.getSpec().getMatchConditions().forEach(c -> all.add(c.getExpression()));
    policy.getSpec().getVariables().forEach(v -> all.add(v.getExpression()));
    for (Validation v : policy.getSpec().getValidations()) {
      all.add(v.getExpression());
      if (v.getMessageExpression() != null) {
        all.add(v.getMessageExpression());
      }
    }
    return all;
  }

  void compile(String expression) throws CelValidationException {
    cel.compile(expression).getAst();
  }

  private Object eval(String expression, Map<String, Object> input) throws CelEvaluationException {
    try {
      return cel.createProgram(cel.compile(expression).getAst()).eval(input);
    } catch (CelValidationException e) {
      throw new IllegalStateException("does not compile: " + expression, e);
    }
  }
}
