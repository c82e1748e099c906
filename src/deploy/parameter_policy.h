// Which value each template parameter of a change set gets: the values given, the
// deployed value kept on an update (the stack's image input and NoEcho parameters), the
// template's default, or none (the deploy is refused before anything is created).
// FillStackInputs (declared in deploy/driver.h) is here too.
#pragma once
#include <string>
#include <vector>

#include "app/app.h"
#include "cfn/intrinsics.h"
#include "deploy/driver.h"

namespace bp {

// The --parameters list of create-change-set for `stack`: a value from `values`, else
// UsePreviousValue on an update (`update`) for the image input and NoEcho parameters the
// deployed stack (`info`) has; a parameter with neither and no default goes to `missing`.
cfn::Json ChangeSetParameters(const Stack& stack, const ParameterValues& values, const StackInfo& info, bool update,
                              std::vector<std::string>* missing);

}  // namespace bp
