#pragma once

namespace deadlined::util {

/// The visitor of std::visit made of lambdas, one per alternative.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace deadlined::util
