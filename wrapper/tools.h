/* SPDX-License-Identifier: MIT */
/* Operator tools: check, audit, verify, learn. Each returns an exit status. */
#ifndef HARDEN_TOOLS_H
#define HARDEN_TOOLS_H

int tool_check(int argc, char **argv);
int tool_audit(int argc, char **argv);
int tool_verify(int argc, char **argv);
int tool_learn(int argc, char **argv);
int tool_explain(int argc, char **argv);

#endif
