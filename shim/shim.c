/* SPDX-License-Identifier: MIT */
/* libharden.so: placeholder until the late stage lands. */
