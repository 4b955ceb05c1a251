import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { validationFailed, type FieldProblem } from '@foyer/domain';

/** Flattens class-validator's tree into one problem per bad field, named by its path. */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = error.property ? (parent ? `${parent}.${error.property}` : error.property) : parent || 'body';
    const constraints = Object.values(error.constraints ?? {});
    if (constraints.length > 0) problems.push({ field, message: constraints.join('; ') });
    if (error.children?.length) problems.push(...toFieldProblems(error.children, field));
  }
  return problems;
}

/** Strict DTO validation: unknown fields, wrong types and values out of range are `400 VALIDATION_FAILED`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(toFieldProblems(errors)),
  });
}
